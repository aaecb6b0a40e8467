/**
 * A subscription stream whose unsubscribe takes effect at once. An async generator queues
 * `return()` behind a pending `next()`, and a stream may wait long for its next item (a log that
 * never grows again), so the generator's `finally` — and the release of its watchers and timers —
 * would wait with it. Here `return()` first aborts the signal the generator was given: it ends
 * its wait, its `finally` runs, and then `return()` resolves.
 */
export function stoppable<T>(start: (signal: AbortSignal) => AsyncGenerator<T>): AsyncIterableIterator<T> {
  const stop = new AbortController();
  const stream = start(stop.signal);
  return {
    next: () => stream.next(),
    return: (value?: unknown) => {
      stop.abort();
      return stream.return(value as undefined);
    },
    throw: (error?: unknown) => {
      stop.abort();
      return stream.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
