import type { Filter } from '../document-store.port.js';
import type { TextMatch } from './catalog.types.js';

/**
 * Searches are for what the user typed, literally: "a.b(" finds "a.b(", never "axb" or a syntax
 * error. The escaped pattern means the same in JavaScript (mingo) and PCRE (MongoDB).
 */
export function literalPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Case-insensitive "contains" for one field, in the query language both stores answer. */
export function contains(field: string, text: string): Filter {
  return { [field]: { $regex: literalPattern(text), $options: 'i' } };
}

/**
 * Every non-overlapping occurrence of `text` in each field, with the same case-insensitive pattern
 * the query used, so a highlighted span is exactly what matched (UTF-16 offsets, end exclusive).
 */
export function textMatches<F extends TextMatch['field']>(
  doc: Readonly<Record<F, unknown>>,
  fields: readonly F[],
  text: string,
): TextMatch[] {
  if (text === '') return [];
  const matches: TextMatch[] = [];
  for (const field of fields) {
    const value = doc[field];
    if (typeof value !== 'string') continue;
    for (const match of value.matchAll(new RegExp(literalPattern(text), 'gi'))) {
      matches.push({ field, start: match.index, end: match.index + match[0].length });
    }
  }
  return matches;
}
