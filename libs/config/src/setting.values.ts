import { assertNever } from '../../domain/src/shared/assert-never.js';
import type { Setting } from './config.schema.js';

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

/** The value a setting takes from `raw`, or undefined when `raw` does not satisfy it. */
export function acceptValue(setting: Setting, raw: unknown): string | number | boolean | undefined {
  switch (setting.type) {
    case 'string':
      return typeof raw === 'string' ? raw : undefined;
    case 'integer': {
      if (typeof raw !== 'bigint') return undefined;
      const value = Number(raw);
      return Number.isSafeInteger(value) && inRange(value, setting) ? value : undefined;
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
      return assertNever(setting);
  }
}

/** Lifts an environment string to its TOML-typed form; a string that does not parse stays a string. */
export function liftEnvString(setting: Setting, raw: string): unknown {
  switch (setting.type) {
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
      return assertNever(setting);
  }
}

/** What a setting accepts, phrased to follow "must be". */
export function expectation(setting: Setting, fromEnv: boolean): string {
  switch (setting.type) {
    case 'string':
      return 'a string';
    case 'integer':
      return `an integer${rangeText(setting)}`;
    case 'number':
      return `a number${rangeText(setting)}`;
    case 'boolean':
      return fromEnv ? `a boolean (${[...ENV_BOOLEANS.keys()].join(', ')})` : 'a boolean (true or false)';
    case 'enum':
      return `one of ${setting.values.join(', ')}`;
    default:
      return assertNever(setting);
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
