import { CliError, EXIT } from '../client/cli-error.js';

/** A whole number in a range, or a usage error naming the option. */
export function wholeNumber(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(EXIT.usage, `${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  return n;
}

export function decimal(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new CliError(EXIT.usage, `${name} must be a number (got ${JSON.stringify(value)})`);
  return n;
}

export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new CliError(EXIT.usage, `${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
  return value as T;
}

const WINDOWS = { today: 'today', yesterday: 'yesterday', '7d': 'last_7_days', '30d': 'last_30_days', older: 'older_than_30_days' } as const;

/** --since for prompts: the catalog's calendar windows. */
export function createdWithin(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const window = WINDOWS[value as keyof typeof WINDOWS];
  if (window === undefined) throw new CliError(EXIT.usage, `--since must be one of ${Object.keys(WINDOWS).join(', ')} (got ${JSON.stringify(value)})`);
  return window;
}

const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** --since for runs and logs: a duration back from now (90s, 15m, 2h, 7d) or an ISO time. */
export function sinceTime(value: string | undefined, now = Date.now()): string | undefined {
  if (value === undefined) return undefined;
  const duration = /^(\d+)([smhd])$/.exec(value);
  if (duration) return new Date(now - Number(duration[1]) * UNITS[duration[2]!]!).toISOString();
  const at = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && Number.isFinite(at)) return new Date(at).toISOString();
  throw new CliError(EXIT.usage, `--since is a duration (90s, 15m, 2h, 7d) or an ISO time (got ${JSON.stringify(value)})`);
}
