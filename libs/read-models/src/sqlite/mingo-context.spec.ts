import { find } from 'mingo';
import { Query } from 'mingo/query';
import { MINGO_CONTEXT } from './mingo-context.js';

// Every shape a field can take where $in meets it: plain, array, missing, null, nested.
const docs = Array.from({ length: 200 }, (_, i) => ({
  id: `d${i}`,
  n: i % 7,
  s: i % 3 === 0 ? String(i % 7) : `v${i % 11}`,
  tags: i % 4 === 0 ? [`t${i % 5}`, `t${(i + 1) % 5}`] : i % 4 === 1 ? [] : `t${i % 5}`,
  ...(i % 6 === 0 ? {} : { maybe: i % 5 === 0 ? null : `m${i % 9}` }),
  nested: { key: `k${i % 13}` },
}));

const many = <T>(items: T[]): T[] => [...items, ...Array.from({ length: 20 }, (_, i) => `filler${i}` as unknown as T)];

const filters: Record<string, unknown>[] = [
  { id: { $in: many(['d1', 'd5', 'd199']) } },
  { id: { $nin: many(['d1', 'd5']) } },
  { n: { $in: many([1, 3, '4']) } },
  { s: { $in: many(['3', 'v2']) } },
  { tags: { $in: many(['t1']) } },
  { tags: { $nin: many(['t0', 't1']) } },
  { maybe: { $in: many([null, 'm3']) } },
  { maybe: { $nin: many([null]) } },
  { 'nested.key': { $in: many(['k1', 'k12']) } },
  { $or: [{ id: { $in: many(['d2']) } }, { n: 6 }] },
  { $and: [{ n: { $in: many([2, 4]) } }, { s: { $nin: many(['v4']) } }] },
];

describe('set-backed $in / $nin', () => {
  it.each(filters.map((filter) => [JSON.stringify(filter).slice(0, 80), filter]))('matches mingo exactly: %s', (_, filter) => {
    const expected = find(docs, filter as Record<string, unknown>, undefined, { idKey: 'id' }).all().map((d) => d.id);
    const actual = new Query(filter as Record<string, unknown>, { idKey: 'id', context: MINGO_CONTEXT }).find<(typeof docs)[number]>(docs).all().map((d) => d.id);
    expect(actual).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });
});
