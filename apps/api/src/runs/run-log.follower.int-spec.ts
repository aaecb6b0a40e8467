import { appendFileSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stoppable } from '../graphql/stoppable-stream.js';
import { followLog, MAX_LINE_BYTES, type FollowLogOptions, type LogLine } from './run-log.follower.js';
import { eventually } from '../../../../libs/testing/src/index.js';

const QUIET = Symbol('quiet');

/** Pulls lines with deadlines; a pull that timed out stays pending and is reused by the next one. */
class Lines {
  private pending: Promise<IteratorResult<LogLine>> | null = null;

  constructor(readonly iterator: AsyncIterableIterator<LogLine>) {}

  async take(count: number, timeoutMs = 3000): Promise<LogLine[]> {
    const lines: LogLine[] = [];
    while (lines.length < count) {
      const result = await this.pull(timeoutMs);
      if (result === QUIET) throw new Error(`expected ${count} lines, got ${JSON.stringify(lines)} before a ${timeoutMs} ms silence`);
      if (result.done) throw new Error(`expected ${count} lines, the follow ended after ${JSON.stringify(lines)}`);
      lines.push(result.value);
    }
    return lines;
  }

  async texts(count: number): Promise<string[]> {
    return (await this.take(count)).map((line) => line.text);
  }

  async expectQuiet(ms: number): Promise<void> {
    const result = await this.pull(ms);
    expect(result === QUIET ? QUIET : result.value).toBe(QUIET);
  }

  async expectEnd(timeoutMs = 3000): Promise<void> {
    const result = await this.pull(timeoutMs);
    expect(result === QUIET ? QUIET : result).toEqual({ done: true, value: undefined });
  }

  private async pull(timeoutMs: number): Promise<IteratorResult<LogLine> | typeof QUIET> {
    this.pending ??= this.iterator.next();
    let timer: NodeJS.Timeout | undefined;
    const quiet = new Promise<typeof QUIET>((resolve) => (timer = setTimeout(() => resolve(QUIET), timeoutMs)));
    const result = await Promise.race([this.pending, quiet]);
    clearTimeout(timer);
    if (result !== QUIET) this.pending = null;
    return result;
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Counted after a pause: a closed watcher's handle goes on the next turns of the event loop. */
async function activeCount(type: string): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  return process.getActiveResourcesInfo().filter((resource) => resource === type).length;
}

describe('followLog', () => {
  let dir: string;
  let path: string;
  let writer: ReturnType<typeof deferred>;
  const open: Lines[] = [];

  const follow = (file = path, options: Partial<Omit<FollowLogOptions, 'signal'>> = {}): Lines => {
    const lines = new Lines(stoppable((signal) => followLog(file, { writerDone: writer.promise, pollMs: 50, ...options, signal })));
    open.push(lines);
    return lines;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'run-log-'));
    path = join(dir, 'execution.log');
    writer = deferred();
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((lines) => lines.iterator.return?.()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the lines already written as backlog, then appended lines as they come', async () => {
    writeFileSync(path, 'loading model\ncheckpoint ok\n');
    const lines = follow();
    expect(await lines.take(2)).toEqual([
      { lineNumber: 1, text: 'loading model', backlog: true },
      { lineNumber: 2, text: 'checkpoint ok', backlog: true },
    ]);
    appendFileSync(path, 'step 1/35\nstep 2/35\n');
    expect(await lines.take(2)).toEqual([
      { lineNumber: 3, text: 'step 1/35', backlog: false },
      { lineNumber: 4, text: 'step 2/35', backlog: false },
    ]);
  });

  it('holds a line back until its newline is written', async () => {
    writeFileSync(path, 'first\nsec');
    const lines = follow();
    expect(await lines.take(1)).toEqual([{ lineNumber: 1, text: 'first', backlog: true }]);
    await lines.expectQuiet(300);
    appendFileSync(path, 'ond\r\nthi');
    expect(await lines.take(1)).toEqual([{ lineNumber: 2, text: 'second', backlog: false }]);
    appendFileSync(path, 'rd\n');
    expect(await lines.texts(1)).toEqual(['third']);
  });

  it('ends once the writer is done, after the last lines and a last line without a newline', async () => {
    writeFileSync(path, 'one\n');
    const lines = follow();
    expect(await lines.texts(1)).toEqual(['one']);
    appendFileSync(path, 'two\nthree\nexit code 0');
    writer.resolve();
    expect(await lines.take(3)).toEqual([
      { lineNumber: 2, text: 'two', backlog: false },
      { lineNumber: 3, text: 'three', backlog: false },
      { lineNumber: 4, text: 'exit code 0', backlog: false },
    ]);
    await lines.expectEnd();
  });

  it('sends a finished log whole as backlog and ends', async () => {
    writeFileSync(path, 'a\nb\nlast');
    writer.resolve();
    const lines = follow();
    expect(await lines.take(3)).toEqual([
      { lineNumber: 1, text: 'a', backlog: true },
      { lineNumber: 2, text: 'b', backlog: true },
      { lineNumber: 3, text: 'last', backlog: true },
    ]);
    await lines.expectEnd();
  });

  it('waits for a file whose folder does not exist yet, and ends empty if none ever comes', async () => {
    const late = join(dir, 'run_later', 'execution.log');
    const lines = follow(late);
    await lines.expectQuiet(200);
    mkdirSync(join(dir, 'run_later'));
    writeFileSync(late, 'container started\n');
    expect(await lines.take(1)).toEqual([{ lineNumber: 1, text: 'container started', backlog: false }]);
    writer.resolve();
    await lines.expectEnd();

    const never = follow(join(dir, 'run_never', 'execution.log'));
    await never.expectEnd();
  });

  it('wakes on a change without waiting for the poll', async () => {
    writeFileSync(path, '');
    const lines = follow(path, { pollMs: 60_000 });
    await lines.expectQuiet(100);
    const started = Date.now();
    appendFileSync(path, 'now\n');
    expect(await lines.texts(1)).toEqual(['now']);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reads in chunks, keeping lines and UTF-8 characters that straddle them whole', async () => {
    const texts = Array.from({ length: 200 }, (_, i) => `line ${i} — größe ✓ ${'x'.repeat(i % 13)}`);
    writeFileSync(path, `${texts.join('\n')}\n`);
    writer.resolve();
    const lines = follow(path, { chunkBytes: 7 });
    expect(await lines.texts(200)).toEqual(texts);
    await lines.expectEnd();
  });

  it('hands on a line longer than the limit in pieces', async () => {
    const long = 'é'.repeat(MAX_LINE_BYTES); // two bytes each: the cut falls on a character boundary
    writeFileSync(path, `${long}\nafter\n`);
    writer.resolve();
    const lines = follow();
    const pieces = await lines.take(3);
    expect(pieces.map((line) => Buffer.byteLength(line.text))).toEqual([MAX_LINE_BYTES, MAX_LINE_BYTES, 5]);
    expect(pieces[0]!.text + pieces[1]!.text).toBe(long);
    expect(pieces[2]).toEqual({ lineNumber: 3, text: 'after', backlog: true });
    await lines.expectEnd();
  });

  it("takes a log rewritten from the start as a replay and sends only what is new", async () => {
    writeFileSync(path, 'a\nb\n');
    const lines = follow();
    expect(await lines.texts(2)).toEqual(['a', 'b']);
    truncateSync(path, 0);
    await lines.expectQuiet(200);
    writeFileSync(path, 'a\nb\nc\n');
    expect(await lines.take(1)).toEqual([{ lineNumber: 3, text: 'c', backlog: false }]);
  });

  it('stops at once while it waits, and lets go of its watcher and timer', async () => {
    // Earlier tests stopped their follows, so no watcher is left; timers of jest's own may end meanwhile.
    expect(await activeCount('FSEventWrap')).toBe(0);
    const timers = await activeCount('Timeout');
    writeFileSync(path, 'one\n');
    let released = false;
    const iterator = stoppable(async function* (signal) {
      try {
        yield* followLog(path, { writerDone: writer.promise, pollMs: 60_000, signal });
      } finally {
        released = true;
      }
    });
    const lines = new Lines(iterator);
    open.push(lines);
    expect(await lines.texts(1)).toEqual(['one']);
    await lines.expectQuiet(100);
    expect(await activeCount('FSEventWrap')).toBe(1);

    const started = Date.now();
    await iterator.return!();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(released).toBe(true);
    expect(await activeCount('FSEventWrap')).toBe(0);
    // Short timers of other code may still be pending for a moment; the follower's 60 s poll timer would stay.
    await eventually(async () => expect(await activeCount('Timeout')).toBeLessThanOrEqual(timers), 2_000);
  });
});
