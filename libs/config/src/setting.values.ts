import { isIP } from 'node:net';
import type { StringFormat, ValueRule } from './config.schema.js';

// File and environment share one acceptance rule: environment strings are first lifted to the value
// TOML would have produced (integers as bigint, as smol-toml gives them with integersAsBigInt), so
// "3.0" in the file and "3.0" in COSMOS_PORT are refused for the same reason.

const ENV_BOOLEANS = new Map<string, boolean>([
  ['true', true],
  ['yes', true],
  ['1', true],
  ['false', false],
  ['no', false],
  ['0', false],
]);

// RFC 1123 labels; a name of digits and dots only is an IPv4 address or nothing.
const HOSTNAME = /^(?=.{1,253}$)(?!\d+(\.\d+)*$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

const FORMATS: Record<StringFormat, { readonly test: (value: string) => boolean; readonly text: string }> = {
  name: { test: (value) => /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(value), text: 'a name of letters, digits, _ . - (not starting with _ . -)' },
  host: { test: (value) => isIP(value) !== 0 || HOSTNAME.test(value), text: 'a hostname or IP address' },
  path: { test: (value) => value !== '' && !value.includes('\0'), text: 'a file path' },
  'absolute-posix-dir': {
    test: (value) => /^\/./.test(value) && !/^\/+$/.test(value) && !value.includes('\0'),
    text: 'an absolute folder other than /',
  },
  'env-name': { test: (value) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(value), text: 'the name of an environment variable' },
  'sha256-fingerprint': {
    test: (value) => /^SHA256:[A-Za-z0-9+/]{43}=?$/.test(value),
    text: 'a SHA256 host key fingerprint ("SHA256:" + 43 base64 characters)',
  },
  'sha256-hex': { test: (value) => /^[0-9a-f]{64}$/.test(value), text: 'a SHA-256 digest (64 lowercase hex digits)' },
};

export type SettingValue = string | number | boolean | readonly string[] | readonly number[];

/** The value a setting takes from `raw`, or undefined when `raw` does not satisfy it. */
export function acceptValue(setting: ValueRule, raw: unknown): SettingValue | undefined {
  switch (setting.type) {
    case 'string':
      return typeof raw === 'string' && (setting.format === undefined || FORMATS[setting.format].test(raw)) ? raw : undefined;
    case 'integer':
      return acceptInteger(raw, setting);
    case 'list': {
      if (!Array.isArray(raw)) return undefined;
      if (setting.items === 'string') return raw.every((item) => typeof item === 'string') ? (raw as string[]) : undefined;
      const items = raw.map((item) => acceptInteger(item, setting));
      return items.every((item) => item !== undefined) ? (items as number[]) : undefined;
    }
    case 'number': {
      const value = typeof raw === 'bigint' ? Number(raw) : raw;
      return typeof value === 'number' && Number.isFinite(value) && inRange(value, setting) ? value : undefined;
    }
    case 'boolean':
      return typeof raw === 'boolean' ? raw : undefined;
    case 'enum':
      return typeof raw === 'string' && setting.values.includes(raw) ? raw : undefined;
    default:
      return unhandledSetting(setting);
  }
}

function acceptInteger(raw: unknown, bounds: { readonly min?: number; readonly max?: number }): number | undefined {
  if (typeof raw !== 'bigint') return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) && inRange(value, bounds) ? value : undefined;
}

/** Lifts an environment string to its TOML-typed form; a string that does not parse stays a string. */
export function liftEnvString(setting: ValueRule, raw: string): unknown {
  switch (setting.type) {
    case 'list':
      return raw.trim() === '' ? [] : raw.split(',').map((item) => liftEnvString({ ...setting, type: setting.items }, item.trim()));
    case 'string':
    case 'enum':
      return raw;
    case 'integer':
      return /^-?\d+$/.test(raw) ? BigInt(raw) : raw;
    case 'number':
      return /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(raw) ? Number(raw) : raw;
    case 'boolean':
      return ENV_BOOLEANS.get(raw.toLowerCase()) ?? raw;
    default:
      return unhandledSetting(setting);
  }
}

/** What a setting accepts, phrased to follow "must be". */
export function expectation(setting: ValueRule, fromEnv: boolean): string {
  switch (setting.type) {
    case 'string':
      return setting.format === undefined ? 'a string' : FORMATS[setting.format].text;
    case 'list':
      return setting.items === 'string'
        ? `an array of strings${fromEnv ? ' (comma-separated)' : ''}`
        : `an array of integers${rangeText(setting)}${fromEnv ? ' (comma-separated)' : ''}`;
    case 'integer':
      return `an integer${rangeText(setting)}`;
    case 'number':
      return `a number${rangeText(setting)}`;
    case 'boolean':
      return fromEnv ? `a boolean (${[...ENV_BOOLEANS.keys()].join(', ')})` : 'a boolean (true or false)';
    case 'enum':
      return `one of ${setting.values.join(', ')}`;
    default:
      return unhandledSetting(setting);
  }
}

/** A parsed TOML value as a problem message shows it. */
export function describeTomlValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  // TOML floats keep their point so "3.0 where an integer is expected" reads as such.
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(1) : String(value);
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date-time';
  return 'a table';
}

function inRange(value: number, bounds: { readonly min?: number; readonly max?: number }): boolean {
  return (bounds.min === undefined || value >= bounds.min) && (bounds.max === undefined || value <= bounds.max);
}

function rangeText({ min, max }: { readonly min?: number; readonly max?: number }): string {
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min !== undefined) return ` of at least ${min}`;
  if (max !== undefined) return ` of at most ${max}`;
  return '';
}

/** `port = "3000"` is a common slip; say so rather than leave the reader puzzling over "got "3000"". */
export function quotedHint(setting: ValueRule, raw: unknown): string {
  if (typeof raw !== 'string' || setting.type === 'string' || setting.type === 'enum' || setting.type === 'list') return '';
  // Only TOML's own spellings: "yes" is an environment boolean, not a TOML one.
  const unquoted = setting.type !== 'boolean' ? liftEnvString(setting, raw) : raw === 'true' || raw === 'false' ? raw === 'true' : raw;
  return acceptValue(setting, unquoted) === undefined ? '' : ' (a quoted string: write it without quotes)';
}

export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Makes a `switch` over the setting kinds exhaustive (the configuration imports no other library, so not the domain's assertNever). */
export function unhandledSetting(setting: never): never {
  throw new Error(`Unhandled setting kind: ${JSON.stringify(setting)}`);
}
