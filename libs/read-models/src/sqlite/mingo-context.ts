import { Context } from 'mingo';
import * as accumulator from 'mingo/operators/accumulator';
import * as expression from 'mingo/operators/expression';
import * as pipeline from 'mingo/operators/pipeline';
import * as projection from 'mingo/operators/projection';
import * as query from 'mingo/operators/query';
import * as window from 'mingo/operators/window';
import { ensureArray, isNil, resolve } from 'mingo/util';

/** Below this size mingo's own $in is as fast; above it, its per-document scan of the list dominates. */
const SET_THRESHOLD = 16;

type Primitive = string | number | boolean | null;
type QueryOperator = (selector: string, value: unknown, options: unknown) => (doc: object) => boolean;

function primitiveSet(value: unknown): Set<Primitive> | null {
  if (!Array.isArray(value) || value.length < SET_THRESHOLD) return null;
  for (const item of value) if (item !== null && !['string', 'number', 'boolean'].includes(typeof item)) return null;
  return new Set(value as Primitive[]);
}

/**
 * `$in` with MongoDB's semantics (an array field matches when any element is listed; a missing
 * field matches a listed null), but with the list hashed once per query. mingo tests the list
 * element by element for every document, so the catalog's joins (`id: {$in: thousands of ids}`)
 * grew quadratically: seconds at 10k documents, hours at 100k.
 */
function setMembership(fallback: QueryOperator, negate: boolean): QueryOperator {
  return (selector, value, options) => {
    const set = primitiveSet(value);
    if (!set) return fallback(selector, value, options);
    return (doc) => {
      const found = resolve(doc as Parameters<typeof resolve>[0], selector, { unwrapArray: true });
      const member = isNil(found) ? set.has(null) : ensureArray(found).some((item) => set.has(item as Primitive));
      return member !== negate;
    };
  };
}

/** mingo's default operators, with set-backed `$in` / `$nin` for long lists of plain values. */
export const MINGO_CONTEXT = Context.init({
  accumulator,
  expression,
  pipeline,
  projection,
  query: {
    ...query,
    $in: setMembership(query.$in as unknown as QueryOperator, false),
    $nin: setMembership(query.$nin as unknown as QueryOperator, true),
  },
  window,
} as unknown as Parameters<typeof Context.init>[0]);
