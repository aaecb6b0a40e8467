import type { LoggerService } from '@nestjs/common';
import type { LogConfig } from '../config.loader.js';
import { redactSecrets } from '../redact.js';

export type LogThreshold = LogConfig['level'];
type Level = LogThreshold | 'fatal';

const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40, fatal: 50 };

export interface LogSink {
  write(line: string): unknown;
}

export interface JsonLoggerOptions {
  /** Lowest level written; `fatal` is always written. */
  level?: LogThreshold;
  /** Context for calls that name none. */
  context?: string;
  /** Defaults to stdout. */
  sink?: LogSink;
  now?: () => Date;
}

/**
 * One JSON object per line: `time` (ISO), `level`, `context`, `msg`, then any fields passed in an
 * object. Nest's ConsoleLogger `json` mode is not used because it sends errors to stderr (two
 * streams interleave out of order in a collector), stamps epoch milliseconds and nests objects
 * under `message` instead of merging their fields.
 *
 * Accepts both shapes Nest uses: `log(message, context)` and `error(message, stack, context)`,
 * as well as `log({ msg, ...fields })` and `error(err)`.
 */
export class JsonLogger implements LoggerService {
  private readonly minimum: number;
  private readonly context: string | undefined;
  private readonly sink: LogSink;
  private readonly now: () => Date;

  constructor(options: JsonLoggerOptions = {}) {
    this.minimum = RANK[options.level ?? 'info'];
    this.context = options.context;
    this.sink = options.sink ?? process.stdout;
    this.now = options.now ?? (() => new Date());
  }

  isEnabled(level: Level): boolean {
    return RANK[level] >= this.minimum;
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.isEnabled(level)) return;
    const { context, msg, stack, fields } = this.interpret(message, params, isErrorLevel(level));
    // Our fields keep their place at the front and win over same-named fields passed in.
    const own = { time: this.now().toISOString(), level, context, msg };
    const record: Record<string, unknown> = Object.assign({ ...own }, fields, own);
    if (stack !== undefined) record.stack = stack;
    // A store's connection error may quote its URI, a refusal the header it refused: neither reaches the log whole.
    this.sink.write(`${redactSecrets(serialize(record, { ...own, stack }))}\n`);
  }

  private interpret(message: unknown, params: unknown[], stackExpected: boolean) {
    const rest = [...params];
    const last = rest.at(-1);
    // Nest appends the context as the last string; a stack in that place is a stack.
    const contextParam = typeof last === 'string' && !looksLikeStack(last) ? (rest.pop() as string) : undefined;
    const fields: Record<string, unknown> = {};
    const texts: string[] = [];
    let stack: string | undefined;

    const take = (value: unknown, isMessage: boolean): void => {
      if (value === undefined) return;
      if (value instanceof Error) {
        if (isMessage) texts.push(value.message);
        else fields.error ??= value.message;
        stack ??= value.stack;
      } else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const { msg, message: text, ...others } = value as Record<string, unknown>;
        const said = msg ?? text;
        if (said !== undefined) texts.push(String(said));
        Object.assign(fields, others);
      } else if (typeof value === 'string' && (looksLikeStack(value) || (!isMessage && stackExpected && stack === undefined))) {
        // error(message, stack, context): the string after the message is the stack even when it has no frames.
        stack ??= value;
      } else {
        texts.push(typeof value === 'string' ? value : JSON.stringify(value) ?? String(value));
      }
    };
    take(message, true);
    for (const param of rest) take(param, false);

    const context = contextParam ?? (typeof fields.context === 'string' ? fields.context : undefined) ?? this.context;
    return { context, msg: texts.join(' '), stack, fields };
  }
}

function isErrorLevel(level: Level): boolean {
  return level === 'error' || level === 'fatal';
}

function looksLikeStack(text: string): boolean {
  return /\n[ \t]+at .+/.test(text);
}

/** A log call must never throw: fields that cannot be serialised are replaced by a note saying so. */
function serialize(record: Record<string, unknown>, essentials: Record<string, unknown>): string {
  try {
    return JSON.stringify(record, (_key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
      return value;
    });
  } catch (error) {
    return JSON.stringify({ ...essentials, logError: `fields not serialisable: ${(error as Error).message}` });
  }
}
