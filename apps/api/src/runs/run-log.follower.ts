import { open, stat, type FileHandle } from 'node:fs/promises';
import { FileChanges } from './file-changes.js';

export interface LogLine {
  /** 1-based. */
  readonly lineNumber: number;
  readonly text: string;
  /** The line was complete in the file when the follow began. */
  readonly backlog: boolean;
}

export interface FollowLogOptions {
  /** Settles once the writer is done: what the file then holds is sent, and the follow ends. */
  readonly writerDone: Promise<unknown>;
  /** Ends the follow promptly, even while it waits for the file to change. */
  readonly signal: AbortSignal;
  readonly pollMs?: number;
  readonly chunkBytes?: number;
}

interface WriterState {
  done: boolean;
  failure: { readonly error: unknown } | null;
}

const POLL_MS = 250;
const CHUNK_BYTES = 64 * 1024;
/**
 * A line longer than this is handed on in pieces rather than held. The worker already cuts its
 * lines at 64 Ki characters (OutputCapture) of at most 4 bytes each, so its lines are never cut here.
 */
export const MAX_LINE_BYTES = 256 * 1024;
const NEWLINE = 0x0a;

/**
 * Tails a log file that a writer appends to, possibly from another process: the lines already
 * there (backlog), then each new line once its newline is written. The file may not exist yet.
 * Once `writerDone` settles, the rest of the file is read, a last line without a newline is sent
 * too, and the follow ends. The file is read in chunks from the last offset, never whole.
 */
export async function* followLog(path: string, options: FollowLogOptions): AsyncGenerator<LogLine> {
  const { signal } = options;
  const changes = new FileChanges(path, options.pollMs ?? POLL_MS, signal);
  const writer: WriterState = { done: false, failure: null };
  options.writerDone
    .then(
      () => (writer.done = true),
      (error: unknown) => (writer.failure = { error }),
    )
    .finally(changes.wake);
  try {
    const cursor = new LogCursor(path, await sizeOf(path), options.chunkBytes ?? CHUNK_BYTES);
    while (!signal.aborted) {
      if (writer.failure !== null) throw writer.failure.error;
      // Taken before reading, so every line written before the writer finished is read first.
      const writerWasDone = writer.done;
      for await (const line of cursor.readNew()) {
        if (signal.aborted) return;
        yield line;
      }
      if (writerWasDone) {
        const rest = cursor.rest();
        if (rest !== null) yield rest;
        return;
      }
      await changes.next();
    }
  } finally {
    changes.close();
  }
}

/** Where the follow is in the file, and the bytes of a line whose newline has not come yet. */
class LogCursor {
  private offset = 0;
  private inode: number | null = null;
  private pending: Buffer = Buffer.alloc(0);
  private sent = 0;
  /** Lines of a rewritten file that were sent already from the file it replaced. */
  private toSkip = 0;
  private inBacklog = true;

  constructor(
    private readonly path: string,
    private readonly backlogEnd: number,
    private readonly chunkBytes: number,
  ) {}

  /** The complete lines written since the last call, read chunk by chunk. */
  async *readNew(): AsyncGenerator<LogLine> {
    const file = await openIfPresent(this.path);
    if (file === null) return;
    try {
      const { ino, size } = await file.stat();
      if (this.inode !== null && (ino !== this.inode || size < this.offset)) this.restart();
      this.inode = ino;
      const chunk = Buffer.alloc(this.chunkBytes);
      for (;;) {
        const { bytesRead } = await file.read(chunk, 0, chunk.length, this.offset);
        if (bytesRead === 0) return;
        const chunkStart = this.offset;
        this.offset += bytesRead;
        yield* this.split(chunk.subarray(0, bytesRead), chunkStart);
      }
    } finally {
      await file.close();
    }
  }

  /** The last line, when the file does not end with a newline. */
  rest(): LogLine | null {
    if (this.pending.length === 0) return null;
    const line = this.line(this.pending, this.offset);
    this.pending = Buffer.alloc(0);
    return line;
  }

  /**
   * The file shrank or is another file: the executor rewrites the log from the start when it
   * re-attaches to a container, since `docker logs` replays the whole log. The replayed lines were
   * sent already, so only the ones past them are new.
   */
  private restart(): void {
    this.toSkip = this.sent;
    this.offset = 0;
    this.pending = Buffer.alloc(0);
    this.inBacklog = false;
  }

  private *split(chunk: Buffer, chunkStart: number): Generator<LogLine> {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      const bytes = this.pending.length === 0 ? chunk.subarray(start, end) : Buffer.concat([this.pending, chunk.subarray(start, end)]);
      this.pending = Buffer.alloc(0);
      start = end + 1;
      const line = this.line(bytes, chunkStart + start);
      if (line !== null) yield line;
    }
    // Copied: the chunk's buffer is reused for the next read.
    this.pending = Buffer.concat([this.pending, chunk.subarray(start)]);
    while (this.pending.length > MAX_LINE_BYTES) {
      const cut = charBoundary(this.pending, MAX_LINE_BYTES);
      const piece = this.pending.subarray(0, cut);
      this.pending = Buffer.from(this.pending.subarray(cut));
      const line = this.line(piece, chunkStart + chunk.length - this.pending.length);
      if (line !== null) yield line;
    }
  }

  /** `endOffset` is where the line ends in the file: backlog lines end within what was there at first. */
  private line(bytes: Buffer, endOffset: number): LogLine | null {
    if (this.toSkip > 0) {
      this.toSkip -= 1;
      return null;
    }
    this.sent += 1;
    this.inBacklog &&= endOffset <= this.backlogEnd;
    const text = bytes.toString('utf8');
    return { lineNumber: this.sent, text: text.endsWith('\r') ? text.slice(0, -1) : text, backlog: this.inBacklog };
  }
}

async function openIfPresent(path: string): Promise<FileHandle | null> {
  try {
    return await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

/** The nearest offset at or before `at` that does not split a UTF-8 character. */
function charBoundary(bytes: Buffer, at: number): number {
  let cut = at;
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut -= 1;
  return cut === 0 ? at : cut;
}
