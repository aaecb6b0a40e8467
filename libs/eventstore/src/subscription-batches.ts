import type { RecordedEvent } from './event-store.port.js';

/** What `inBatches` yields: events already delivered, or word that none are waiting. */
export type SubscriptionTurn = { readonly kind: 'events'; readonly events: RecordedEvent[] } | { readonly kind: 'idle' };

const IDLE = Symbol('idle');

/**
 * A subscription's events grouped as they arrive: whatever is already buffered goes in one batch
 * (up to `maxSize`), so catching up goes in large batches and live events one at a time. `idle`
 * comes each time nothing is buffered, before waiting for the next event: a reader's cue that
 * everything so far is reflected. Ends with the subscription.
 */
export async function* inBatches(subscription: AsyncIterable<RecordedEvent>, maxSize: number): AsyncGenerator<SubscriptionTurn> {
  const iterator = subscription[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<RecordedEvent>> | null = null;
  for (;;) {
    pending ??= iterator.next();
    let first = await Promise.race([pending, nextTurn()]);
    if (first === IDLE) {
      yield { kind: 'idle' };
      first = await pending;
    }
    pending = null;
    if (first.done) return;
    const events = [first.value];
    while (events.length < maxSize) {
      pending = iterator.next();
      const next = await Promise.race([pending, nextTurn()]);
      if (next === IDLE) break;
      pending = null;
      if (next.done) break;
      events.push(next.value);
    }
    yield { kind: 'events', events };
  }
}

function nextTurn(): Promise<typeof IDLE> {
  return new Promise((resolve) => setImmediate(() => resolve(IDLE)));
}
