import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { AllSubscription, RecordedEvent } from '../event-store.port.js';

/**
 * Wakes waiting subscriptions when this process commits an append. A generation counter plus a set
 * of one-shot listeners, rather than one promise swapped per commit: a subscription idling for hours
 * would otherwise pile a reaction onto the same unresolved promise at every poll.
 */
export class CommitSignal {
  private listeners = new Set<() => void>();
  private count = 0;

  /** Read before a page: if it changed by the time the reader would wait, a commit was missed. */
  get generation(): number {
    return this.count;
  }

  notify(): void {
    this.count++;
    const woken = this.listeners;
    this.listeners = new Set();
    for (const listener of woken) listener();
  }

  once(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface CatchUpPage {
  /** Matching events strictly after the cursor, ascending. */
  readonly events: readonly RecordedEvent[];
  /** Every position up to here was looked at (matching or not) in the same read snapshot. */
  readonly scannedTo: number;
  /** More may be waiting right away; read again before going to sleep. */
  readonly full: boolean;
}

export interface CatchUpOptions {
  readonly afterPosition: number;
  readonly readPage: (afterPosition: number) => CatchUpPage;
  readonly signal: CommitSignal;
  /** Commits by other processes on the same file raise no signal; polling finds them. */
  readonly pollIntervalMs: number;
  readonly onEnd: () => void;
}

/**
 * Catch-up and live are the same loop: read pages after the cursor until one comes back short,
 * sleep until a commit or the poll interval, repeat. SQLite has one writer at a time and a position
 * is taken inside the writing transaction, so the committed positions are always a prefix of the
 * sequence: reading `position > cursor` can neither skip an event nor see one twice.
 */
export class CatchUpSubscription implements AllSubscription {
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly iterator: AsyncGenerator<RecordedEvent, void, undefined>;

  constructor(private readonly options: CatchUpOptions) {
    this.iterator = this.run();
  }

  /** One consumer: every call hands out the same iterator, like a Node stream does. */
  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return this.iterator;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    this.options.onEnd();
    // Resolves once a pending next() has returned done, so nothing reads the handle afterwards.
    await this.iterator.return();
  }

  private async *run(): AsyncGenerator<RecordedEvent, void, undefined> {
    const { readPage, signal } = this.options;
    let cursor = this.options.afterPosition;
    try {
      while (!this.closed) {
        const seen = signal.generation;
        const page = readPage(cursor);
        for (const event of page.events) {
          yield event;
          if (this.closed) return;
        }
        cursor = page.scannedTo;
        // Give timers and I/O a turn between pages of a long catch-up.
        if (page.full) await nextMacrotask();
        else await this.sleep(seen);
      }
    } finally {
      this.closed = true;
      this.options.onEnd();
    }
  }

  private sleep(seenGeneration: number): Promise<void> {
    if (this.closed || this.options.signal.generation !== seenGeneration) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stopListening();
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.options.pollIntervalMs);
      const stopListening = this.options.signal.once(done);
      this.wake = done;
    });
  }
}
