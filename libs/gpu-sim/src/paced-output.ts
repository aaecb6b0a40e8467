import { Writable } from 'node:stream';

/**
 * A program's stdout or stderr on its way to a client (an SSH channel, the docker CLI's socket).
 * It calls back once `send` has passed the chunk on, so a program that awaits its writes keeps the
 * client's pace, and it drops output once the client is `gone`, because a write to a closed
 * channel may never call back.
 */
export class PacedOutput extends Writable {
  constructor(
    private readonly send: (chunk: Buffer, sent: () => void) => void,
    private readonly gone: AbortSignal,
  ) {
    super();
    // A program that keeps writing after it resolved gets "write after end"; that is its bug, not a crash.
    this.on('error', () => undefined);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    if (this.gone.aborted) return done();
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      this.gone.removeEventListener('abort', settle);
      done();
    };
    this.gone.addEventListener('abort', settle, { once: true });
    this.send(chunk, settle);
  }
}
