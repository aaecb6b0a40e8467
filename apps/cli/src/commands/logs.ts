import { CliError, EXIT } from '../client/cli-error.js';
import type { CommandContext } from '../context.js';
import { openSocket, untilInterrupted } from './socket.js';
import { oneOf, sinceTime } from './options.js';

const LEVELS = ['debug', 'info', 'warning', 'error'] as const;
const FORMATS = ['text', 'json', 'csv'] as const;

export interface LogsOptions {
  follow?: boolean;
  level?: string;
  grep?: string;
  regex?: string;
  since?: string;
  format?: string;
}

interface LogLine {
  readonly lineNumber: number;
  readonly text: string;
}

/**
 * A run's execution log: the stored file, filtered; with -f, the live lines as they come (the
 * runLog subscription, which first sends what is there) until the run ends or Ctrl-C.
 */
export async function logs(ctx: CommandContext, runId: string, options: LogsOptions): Promise<void> {
  const keep = filterOf(options);
  const format = oneOf('--format', options.format, FORMATS) ?? (ctx.out.json ? 'json' : 'text');
  const print = printer(ctx, runId, format);
  if (options.follow) return follow(ctx, runId, (line) => keep(line.text) && print(line));
  const { run } = await ctx.client.query<{ run: { logUrl: string } | null }>(`query($id: String!) { run(id: $id) { logUrl } }`, { id: runId });
  if (run === null) throw new CliError(EXIT.notFound, `no run ${runId}`);
  const response = await ctx.client.get(run.logUrl);
  if (response.status === 404) throw new CliError(EXIT.notFound, `run ${runId} has no log yet (it has not started)`);
  if (response.status !== 200) throw new CliError(EXIT.failed, `reading the log answered HTTP ${response.status}`);
  const lines = response.body.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((text, index) => keep(text) && print({ lineNumber: index + 1, text }));
}

async function follow(ctx: CommandContext, runId: string, onLine: (line: LogLine) => void): Promise<void> {
  const socket = await openSocket(ctx);
  try {
    await untilInterrupted(
      (done, fail) =>
        socket.subscribe<{ runLog: LogLine }>(
          { query: `subscription($runId: ID!) { runLog(runId: $runId) { lineNumber text } }`, variables: { runId } },
          { next: ({ data }) => data && onLine(data.runLog), error: (error) => fail(socketFailure(error)), complete: done },
        ),
    );
  } finally {
    await socket.dispose();
  }
}

/** --level keeps that level and above (the model's `|INFO|` style tags); --grep a substring; --regex a pattern; --since a time. */
function filterOf(options: LogsOptions): (text: string) => boolean {
  const level = oneOf('--level', options.level, LEVELS);
  let pattern: RegExp | null = null;
  if (options.regex !== undefined) {
    try {
      pattern = new RegExp(options.regex);
    } catch (error) {
      throw new CliError(EXIT.usage, `--regex is not a valid pattern: ${(error as Error).message}`);
    }
  }
  const since = sinceTime(options.since);
  const minimum = level === undefined ? 0 : LEVELS.indexOf(level);
  return (text) => {
    if (options.grep !== undefined && !text.includes(options.grep)) return false;
    if (pattern !== null && !pattern.test(text)) return false;
    if (minimum > 0 && LEVELS.indexOf(levelOf(text)) < minimum) return false;
    if (since !== undefined) {
      const at = timeOf(text);
      if (at !== null && at < since) return false;
    }
    return true;
  };
}

/** `[12-04 03:53:27|INFO|…` (the model) or `ERROR:` / `WARNING:` (Python logging); anything else counts as info. */
function levelOf(text: string): (typeof LEVELS)[number] {
  const tag = /\|(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)\|/i.exec(text)?.[1] ?? /^(DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL)\b/i.exec(text)?.[1];
  switch (tag?.toUpperCase()) {
    case 'DEBUG':
      return 'debug';
    case 'WARNING':
    case 'WARN':
      return 'warning';
    case 'ERROR':
    case 'CRITICAL':
      return 'error';
    default:
      return 'info';
  }
}

/** An ISO time at the start of a line, when the line carries one. */
function timeOf(text: string): string | null {
  const match = /^\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?)/.exec(text);
  if (match === null) return null;
  const at = Date.parse(match[1]!.replace(' ', 'T'));
  return Number.isFinite(at) ? new Date(at).toISOString() : null;
}

function printer(ctx: CommandContext, runId: string, format: (typeof FORMATS)[number]): (line: LogLine) => boolean {
  if (format === 'json') return (line) => (ctx.out.record({ runId, line: line.lineNumber, text: line.text }), true);
  if (format === 'csv') {
    ctx.out.line('run_id,line,text');
    return (line) => (ctx.out.line(`${runId},${line.lineNumber},"${line.text.replace(/"/g, '""')}"`), true);
  }
  return (line) => (ctx.out.line(line.text), true);
}

function socketFailure(error: unknown): CliError {
  const first = Array.isArray(error) ? (error[0] as { message?: string; extensions?: { code?: string } }) : null;
  if (first?.extensions?.code === 'NOT_FOUND') return new CliError(EXIT.notFound, first.message ?? 'not found');
  return new CliError(EXIT.unreachable, `lost the service's WebSocket: ${first?.message ?? (error as { reason?: string })?.reason ?? String(error)}`);
}
