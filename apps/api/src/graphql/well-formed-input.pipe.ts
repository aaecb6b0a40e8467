import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { InvalidInput, type FieldProblem } from '../../../../libs/domain/src/index.js';

// Half of a UTF-16 pair on its own: JSON can carry it (`"\ud800"`), UTF-8 cannot encode it, and a
// spec file or an event holding one is not text any more.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function illFormed(value: unknown, field: string, found: FieldProblem[]): void {
  // The DateTime scalar hands over `new Date(text)` unchecked: nonsense arrives as Invalid Date.
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) found.push({ field, problem: 'must be an ISO 8601 time, such as 2026-12-03T10:00:00Z' });
  } else if (typeof value === 'string') {
    const at = value.search(LONE_SURROGATE);
    if (at >= 0) found.push({ field, problem: `holds a lone UTF-16 surrogate at character ${at}: not text` });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => illFormed(item, `${field}[${index}]`, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) illFormed(inner, `${field}.${key}`, found);
  }
}

/**
 * Every GraphQL argument, before validation: text that is not well-formed Unicode, and times that
 * are not times, are refused by field.
 */
export class WellFormedInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const found: FieldProblem[] = [];
    if (metadata.type !== 'custom') illFormed(value, metadata.data ?? 'argument', found);
    if (found.length > 0) throw new InvalidInput(found);
    return value;
  }
}
