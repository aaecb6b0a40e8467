import type { DocumentChange, DocumentWatch } from '../document-store.port.js';

/**
 * One watcher's in-process feed: the store pushes committed changes, the consumer pulls them with
 * `for await`. The buffer is unbounded because a push happens inside the writer's call and must
 * never block or drop; a watcher that stops reading should `close()` (or `break`) to release it.
 */
export class WatchQueue implements DocumentWatch, AsyncIterator<DocumentChange> {
  private readonly buffered: DocumentChange[] = [];
  private readonly waiting: ((result: IteratorResult<DocumentChange>) => void)[] = [];
  private ended = false;

  constructor(private readonly onEnd: () => void) {}

  push(change: DocumentChange): void {
    if (this.ended) return;
    const consumer = this.waiting.shift();
    if (consumer) consumer({ value: change, done: false });
    else this.buffered.push(change);
  }

  next(): Promise<IteratorResult<DocumentChange>> {
    const change = this.buffered.shift();
    if (change) return Promise.resolve({ value: change, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Called by `for await` on `break`, `return` or a throw in the loop body. */
  return(): Promise<IteratorResult<DocumentChange>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  close(): Promise<void> {
    this.end();
    return Promise.resolve();
  }

  [Symbol.asyncIterator](): AsyncIterator<DocumentChange> {
    return this;
  }

  /** Ends promptly: changes not yet taken are dropped, a consumer waiting in `next()` sees done. */
  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.buffered.length = 0;
    this.onEnd();
    for (const consumer of this.waiting.splice(0)) consumer({ value: undefined, done: true });
  }
}
