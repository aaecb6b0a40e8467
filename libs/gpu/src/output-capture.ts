import { StringDecoder } from 'node:string_decoder';

/** A line longer than this is handed on in pieces rather than held (progress bars redraw with `\r`, not `\n`). */
export const MAX_LINE_CHARS = 64 * 1024;

/**
 * One output stream of a remote command: hands each complete line to `onLine` as it arrives and
 * keeps at most `maxBytes` of the text — the head for stdout (parsers read from the start) or the
 * tail for stderr (the error is at the end). UTF-8 split across chunks is decoded whole.
 */
export class OutputCapture {
  private readonly decoder = new StringDecoder('utf8');
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  private partial = '';
  private dropped = false;

  constructor(
    private readonly keep: 'head' | 'tail',
    private readonly maxBytes: number,
    private readonly onLine?: (line: string) => void,
  ) {}

  get truncated(): boolean {
    return this.dropped;
  }

  get text(): string {
    return Buffer.concat(this.kept).toString('utf8');
  }

  write(chunk: Buffer): void {
    this.store(chunk);
    if (this.onLine) this.split(this.decoder.write(chunk));
  }

  /** Hands on a last line that has no newline. */
  end(): void {
    if (!this.onLine) return;
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest !== '') this.onLine(rest);
  }

  private split(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine?.(line.endsWith('\r') ? line.slice(0, -1) : line);
    while (this.partial.length > MAX_LINE_CHARS) {
      this.onLine?.(this.partial.slice(0, MAX_LINE_CHARS));
      this.partial = this.partial.slice(MAX_LINE_CHARS);
    }
  }

  private store(chunk: Buffer): void {
    if (this.keep === 'head') {
      const room = this.maxBytes - this.keptBytes;
      if (chunk.length > room) this.dropped = true;
      if (room <= 0) return;
      const piece = chunk.subarray(0, room);
      this.kept.push(piece);
      this.keptBytes += piece.length;
      return;
    }
    this.kept.push(chunk);
    this.keptBytes += chunk.length;
    while (this.keptBytes > this.maxBytes) {
      this.dropped = true;
      const first = this.kept[0] as Buffer;
      const excess = this.keptBytes - this.maxBytes;
      if (first.length <= excess) {
        this.kept.shift();
        this.keptBytes -= first.length;
      } else {
        this.kept[0] = first.subarray(excess);
        this.keptBytes -= excess;
      }
    }
  }
}
