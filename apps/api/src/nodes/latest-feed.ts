/**
 * One subscriber's feed of snapshots. Only the newest undelivered one is kept: a slow reader
 * skips states that are already out of date instead of piling them up. `return()` (graphql-ws
 * calls it when the client unsubscribes) ends the feed at once, even while `next()` waits.
 */
export class LatestFeed<T> implements AsyncIterableIterator<T> {
  private pending: { readonly value: T } | null = null;
  private readonly waiting: ((result: IteratorResult<T>) => void)[] = [];
  private ended = false;

  constructor(private readonly onEnd: () => void) {}

  push(value: T): void {
    if (this.ended) return;
    const consumer = this.waiting.shift();
    if (consumer) consumer({ value, done: false });
    else this.pending = { value };
  }

  next(): Promise<IteratorResult<T>> {
    if (this.pending !== null) {
      const { value } = this.pending;
      this.pending = null;
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.pending = null;
    this.onEnd();
    for (const consumer of this.waiting.splice(0)) consumer({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
