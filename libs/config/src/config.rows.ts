import { closestName, didYouMean } from './closest-name.js';
import type { RepeatedSection } from './config.schema.js';
import { acceptValue, describeTomlValue, expectation, isTable, quotedHint, type SettingValue } from './setting.values.js';

/** One accepted table of a repeated section, snake_case keys as written; absent keys are absent. */
export type Row = Readonly<Record<string, SettingValue>>;

/**
 * Checks `[[name]]` tables against their row schema and returns the accepted rows, or undefined
 * when any problem was reported (a half-valid node list is worse than none). Problems name keys in
 * full, rows counted from 0: `gpu.nodes[1].port`.
 */
export function layerRows(name: string, rows: RepeatedSection, raw: unknown, report: (problem: string) => void): Row[] | undefined {
  if (!Array.isArray(raw) || !raw.every(isTable)) {
    report(`${name} must be an array of tables ([[${name}]]), got ${describeTomlValue(raw)}`);
    return undefined;
  }
  let valid = true;
  const fail = (problem: string): void => {
    valid = false;
    report(problem);
  };
  const accepted = raw.map((table, index) => acceptRow(`${name}[${index}]`, rows, table, fail));
  if (rows.identity !== undefined) checkUnique(name, rows.identity, accepted, fail);
  return valid ? accepted : undefined;
}

function acceptRow(at: string, rows: RepeatedSection, table: Record<string, unknown>, fail: (problem: string) => void): Row {
  const row: Record<string, SettingValue> = {};
  for (const [key, raw] of Object.entries(table)) {
    const setting = Object.hasOwn(rows.row, key) ? rows.row[key] : undefined;
    if (setting === undefined) {
      const refused = rows.refused !== undefined && Object.hasOwn(rows.refused, key) ? rows.refused[key] : undefined;
      const near = closestName(key, Object.keys(rows.row));
      fail(refused !== undefined ? `${at}.${key} is not accepted: ${refused}` : `unknown key "${at}.${key}"${didYouMean(near && `${at}.${near}`)}`);
      continue;
    }
    const value = acceptValue(setting, raw);
    if (value === undefined) fail(`${at}.${key} must be ${expectation(setting, false)}, got ${describeTomlValue(raw)}${quotedHint(setting, raw)}`);
    else row[key] = value;
  }
  const who = rows.identity !== undefined && typeof row[rows.identity] === 'string' ? `${at} (${JSON.stringify(row[rows.identity])})` : at;
  for (const [key, setting] of Object.entries(rows.row)) {
    if ('required' in setting && setting.required && !Object.hasOwn(table, key)) fail(`${at}.${key} is required (${who})`);
  }
  const isSet = (key: string): boolean => Object.hasOwn(row, key) && row[key] !== false;
  for (const group of rows.atLeastOneOf ?? []) {
    if (!group.some(isSet)) fail(`${who} needs one of ${listOf(group, rows)}`);
  }
  for (const group of rows.atMostOneOf ?? []) {
    const set = group.filter(isSet);
    if (set.length > 1) fail(`${who} sets ${set.join(' and ')}: set at most one of them`);
  }
  return row;
}

function checkUnique(name: string, identity: string, rows: readonly Row[], fail: (problem: string) => void): void {
  const firstAt = new Map<SettingValue, number>();
  rows.forEach((row, index) => {
    if (!Object.hasOwn(row, identity)) return;
    const first = firstAt.get(row[identity]);
    if (first === undefined) firstAt.set(row[identity], index);
    else fail(`${name}[${index}].${identity} ${JSON.stringify(row[identity])} is already used by ${name}[${first}]; names must be unique`);
  });
}

/** `a, b or c = true`: booleans are named with the value that counts. */
function listOf(group: readonly string[], rows: RepeatedSection): string {
  const shown = group.map((key) => (rows.row[key]?.type === 'boolean' ? `${key} = true` : key));
  return shown.length === 1 ? shown[0] : `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}
