import type { ExpectedRevision } from './event-store.port.js';

/** The stream was not where the append expected it: someone else wrote first. */
export class WrongExpectedVersion extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's current revision, or -1 when it does not exist. */
    readonly actual: number,
  ) {
    super(`Wrong expected version on ${streamId}: expected ${String(expected)}, actual ${actual}`);
    this.name = 'WrongExpectedVersion';
  }
}

export class StreamNotFound extends Error {
  constructor(readonly streamId: string) {
    super(`Stream ${streamId} not found`);
    this.name = 'StreamNotFound';
  }
}

export class StreamDeleted extends Error {
  constructor(readonly streamId: string) {
    super(`Stream ${streamId} is deleted for good`);
    this.name = 'StreamDeleted';
  }
}
