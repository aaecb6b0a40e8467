import pc from 'picocolors';

/**
 * Where `cosmos` writes: data on stdout, everything else (progress, questions, errors) on stderr,
 * which stays quiet when it is not a terminal or under --json. Colour follows NO_COLOR and the
 * terminal (picocolors' own rules).
 */
export class Terminal {
  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WriteStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {}

  /** Progress and chatter go to a person, never into a pipe. */
  get interactive(): boolean {
    return !this.json && this.stderr.isTTY === true;
  }

  get stdoutIsTty(): boolean {
    return this.stdout.isTTY === true;
  }

  get columns(): number {
    return this.stdout.columns ?? 120;
  }

  readonly colors = pc;

  /** One line of data. */
  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  /** The whole answer as JSON, one document. */
  document(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One record of a stream (NDJSON). */
  record(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** Progress or a note for a person: only on a terminal. */
  note(text: string): void {
    if (this.interactive) this.stderr.write(`${text}\n`);
  }

  /** Always said, on stderr: errors and warnings. */
  warn(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  get errorStream(): NodeJS.WriteStream {
    return this.stderr;
  }
}
