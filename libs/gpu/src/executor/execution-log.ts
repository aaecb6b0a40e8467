import { createWriteStream, type WriteStream } from 'node:fs';

/**
 * `run_<runId>/execution.log`: every line of the container's log in arrival order. It is rewritten
 * from the start on each attach, since `docker logs` replays the container's whole log.
 */
export class ExecutionLogFile {
  private readonly stream: WriteStream;
  private failure: Error | null = null;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { flags: 'w' });
    this.stream.on('error', (error) => {
      this.failure ??= error;
    });
  }

  append(line: string): void {
    if (this.failure === null) this.stream.write(`${line}\n`);
  }

  /** Flushes; a write that failed on the way surfaces here. */
  async close(): Promise<void> {
    if (!this.stream.closed) await new Promise<void>((resolve) => this.stream.end(resolve));
    if (this.failure !== null) throw this.failure;
  }
}
