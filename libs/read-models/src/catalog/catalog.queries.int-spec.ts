import { MongoClient } from 'mongodb';
import { DomainError, InvalidInput } from '../../../domain/src/index.js';
import { openSqlite, type RecordedEvent } from '../../../eventstore/src/index.js';
import type { DocumentStore } from '../document-store.port.js';
import { MongoDocumentStore } from '../mongodb/mongodb.document-store.js';
import { applyProjectionBatch } from '../projections/projection-batch.js';
import { promptsProjection } from '../prompts/prompts.projection.js';
import type { RunDoc } from '../runs/run.doc.js';
import { runsProjection } from '../runs/runs.projection.js';
import { SqliteDocumentStore } from '../sqlite/sqlite.document-store.js';
import { History, minutesAfter, promptIdOf as P, runIdOf as R, wantedBy } from '../../../testing/src/index.js';
import {
  type CatalogQueries,
  DocumentCatalogQueries,
  type Page,
  type PageRequest,
  type PromptFilter,
  type PromptListItem,
  type PromptSort,
  type RunFilter,
  type RunSort,
} from './catalog.queries.js';

const NOW = new Date('2026-11-28T12:00:00.000Z');

/**
 * The catalog on Saturday 2026-11-28 at noon UTC. Prompts, newest first:
 *   P3 today 10:00 (enhanced from P1 by R4) · P11 today 09:00 · P1 today 09:00 · P8 today 00:00 ·
 *   P2 yesterday 20:00 · P9 yesterday 00:00 · P4 5 days ago (reason) · P5 20 days ago (text overwritten by R11) ·
 *   P10 exactly 30 days ago · P6 45 days ago; P7 was deleted.
 * Runs, newest first: R7 pending, R6 running, R5 failed, R4 enhance, R3 upscale of R1, R2 ★4, R1 ★5 (all P1, today) ·
 *   R12 cancelled (P5, yesterday) · R9 failed upscale of R8, R8 ★3 (P4, 5 days ago) · R11 enhance, R10 ★5 (P5, 20 days ago).
 */
function catalogHistory(): History {
  const h = new History();
  h.promptCreated({ id: P(1), name: 'forest_walk', text: 'A forest walk at dawn (wide shot)', createdAt: '2026-11-28T09:00:00.000Z' });
  h.promptCreated({ id: P(11), name: 'twin', text: 'Created in the same minute as the walk', createdAt: '2026-11-28T09:00:00.000Z' });
  h.promptCreated({ id: P(2), name: 'city_night', text: 'City lights, a.b( reflections in FOREST puddles', createdAt: '2026-11-27T20:00:00.000Z' });
  h.promptCreated({ id: P(4), name: 'desert_dunes', text: '🌲 Dunes and forest, forest again', createdAt: '2026-11-23T12:00:00.000Z', modelType: 'reason' });
  h.promptCreated({ id: P(5), name: 'ocean', text: 'Ocean waves', createdAt: '2026-11-08T12:00:00.000Z' });
  h.promptCreated({ id: P(6), name: 'mountain', text: 'Snowy mountain', createdAt: '2026-10-14T12:00:00.000Z' });
  h.promptCreated({ id: P(7), name: 'deleted', text: 'Gone forest', createdAt: '2026-11-26T12:00:00.000Z' });
  h.promptCreated({ id: P(8), name: 'midnight_today', text: 'Starts the day', createdAt: '2026-11-28T00:00:00.000Z' });
  h.promptCreated({ id: P(9), name: 'midnight_yesterday', text: 'Starts yesterday', createdAt: '2026-11-27T00:00:00.000Z' });
  h.promptCreated({ id: P(10), name: 'thirty_days', text: 'Exactly thirty days old', createdAt: '2026-10-29T12:00:00.000Z' });
  h.promptDeleted(P(7), '2026-11-27T12:00:00.000Z');

  h.completedRun({ id: R(1), promptId: P(1), requestedAt: '2026-11-28T09:10:00.000Z', rating: 5 });
  h.completedRun({ id: R(2), promptId: P(1), requestedAt: '2026-11-28T09:20:00.000Z', rating: 4 });
  h.completedRun({ id: R(3), promptId: P(1), requestedAt: '2026-11-28T09:30:00.000Z', kind: 'upscale', sourceRunId: R(1) });
  h.completedRun({ id: R(4), promptId: P(1), requestedAt: '2026-11-28T09:40:00.000Z', kind: 'enhance', enhancedText: 'A misty forest walk at dawn, volumetric light' });
  h.promptCreated({
    id: P(3),
    name: 'forest_walk_enhanced',
    text: 'A misty forest walk at dawn, volumetric light',
    createdAt: '2026-11-28T10:00:00.000Z',
    enhancedFrom: { promptId: P(1), runId: R(4), model: 'pixtral' },
    actor: 'system:worker',
  });
  h.runRequested({ id: R(5), promptId: P(1), requestedAt: '2026-11-28T09:50:00.000Z' });
  h.runStatusChanged(R(5), 'running', '2026-11-28T09:51:00.000Z');
  h.runFailed(R(5), '2026-11-28T09:55:00.000Z');
  h.runRequested({ id: R(6), promptId: P(1), requestedAt: '2026-11-28T11:00:00.000Z' });
  h.runStatusChanged(R(6), 'running', '2026-11-28T11:01:00.000Z');
  h.runRequested({ id: R(7), promptId: P(1), requestedAt: '2026-11-28T11:30:00.000Z' });

  h.completedRun({ id: R(8), promptId: P(4), requestedAt: '2026-11-23T13:00:00.000Z', modelType: 'reason', rating: 3 });
  h.runRequested({ id: R(9), promptId: P(4), requestedAt: '2026-11-23T14:00:00.000Z', kind: 'upscale', sourceRunId: R(8) });
  h.runFailed(R(9), '2026-11-23T14:05:00.000Z', 'OOM_KILLED');

  h.completedRun({ id: R(10), promptId: P(5), requestedAt: '2026-11-08T13:00:00.000Z', rating: 5 });
  h.completedRun({ id: R(11), promptId: P(5), requestedAt: '2026-11-08T14:00:00.000Z', kind: 'enhance', enhancedText: 'Ocean waves axb( crashing at dusk' });
  h.promptTextReplaced(P(5), 'Ocean waves axb( crashing at dusk', R(11), '2026-11-08T14:07:00.000Z');
  h.runRequested({ id: R(12), promptId: P(5), requestedAt: '2026-11-27T08:00:00.000Z' });
  h.runCancelled(R(12), '2026-11-27T08:02:00.000Z');
  return h;
}

const NEWEST_PROMPTS = [P(3), P(11), P(1), P(8), P(2), P(9), P(4), P(5), P(10), P(6)];
const NEWEST_RUNS = [R(7), R(6), R(5), R(4), R(3), R(2), R(1), R(12), R(9), R(8), R(11), R(10)];

const promptIds = (page: Page<PromptListItem>) => page.items.map((item) => item.node.prompt.id);
const runIds = (page: Page<RunDoc>) => page.items.map((item) => item.node.id);
const sorted = (ids: readonly string[]) => [...ids].sort();

interface OpenedStore {
  readonly documents: DocumentStore;
  close(): Promise<void>;
}

/** Always SQLite; MongoDB too when MONGODB_URI names one, so both stores are held to the same answers. */
const adapters: [string, () => Promise<OpenedStore>][] = [
  [
    'SQLite',
    async () => {
      const db = openSqlite(':memory:');
      const documents = new SqliteDocumentStore(db);
      const close = async () => {
        await documents.close();
        db.close();
      };
      return { documents, close };
    },
  ],
];
const mongoUri = process.env.MONGODB_URI;
if (mongoUri) {
  let opened = 0;
  adapters.push([
    'MongoDB',
    async () => {
      const client = await new MongoClient(mongoUri, { serverSelectionTimeoutMS: 5_000 }).connect();
      const dbName = `cosmos_catalog_${process.pid}_${++opened}`;
      const documents = new MongoDocumentStore(client, dbName);
      return {
        documents,
        close: async () => {
          await documents.close();
          await client.db(dbName).dropDatabase();
          await client.close();
        },
      };
    },
  ]);
}

describe.each(adapters)('catalog queries over the %s document store', (_adapter, open) => {
  let store: OpenedStore;
  let documents: DocumentStore;
  let catalog: CatalogQueries;
  let history: History;

  /** Applies events the way the runner does: each projection gets the ones its filter selects. */
  async function project(events: readonly RecordedEvent[]): Promise<void> {
    for (const projection of [promptsProjection, runsProjection]) {
      const target = { collection: projection.collection, checkpoint: projection.name };
      await applyProjectionBatch(documents, projection, wantedBy(projection, events), target);
    }
  }

  beforeEach(async () => {
    store = await open();
    documents = store.documents;
    catalog = new DocumentCatalogQueries(documents);
    history = catalogHistory();
    await project(history.events);
  });

  afterEach(async () => {
    await store.close();
  });

  const prompts = (filter: PromptFilter, sort: PromptSort = 'newest', page: PageRequest = { first: 200 }) => catalog.prompts(filter, sort, page, NOW);
  const runs = (filter: RunFilter, sort: RunSort = 'newest', page: PageRequest = { first: 200 }) => catalog.runs(filter, sort, page, NOW);

  describe('prompt filters', () => {
    it.each<[string, PromptFilter, string[]]>([
      ['everything but deleted prompts', {}, NEWEST_PROMPTS],
      ['modelType', { modelType: 'reason' }, [P(4)]],
      ['enhanced (created by or overwritten by an enhancement)', { enhanced: true }, [P(3), P(5)]],
      ['not enhanced', { enhanced: false }, [P(11), P(1), P(8), P(2), P(9), P(4), P(10), P(6)]],
      ['with runs', { runs: 'some' }, [P(1), P(4), P(5)]],
      ['without runs', { runs: 'none' }, [P(3), P(11), P(8), P(2), P(9), P(10), P(6)]],
      ['runs: all', { runs: 'all' }, NEWEST_PROMPTS],
      ['created today (UTC calendar day)', { createdWithin: 'today' }, [P(3), P(11), P(1), P(8)]],
      ['created yesterday', { createdWithin: 'yesterday' }, [P(2), P(9)]],
      ['created in the last 7 days', { createdWithin: 'last_7_days' }, [P(3), P(11), P(1), P(8), P(2), P(9), P(4)]],
      ['created in the last 30 days (inclusive)', { createdWithin: 'last_30_days' }, [P(3), P(11), P(1), P(8), P(2), P(9), P(4), P(5), P(10)]],
      ['older than 30 days', { createdWithin: 'older_than_30_days' }, [P(6)]],
      ['ids (deleted and unknown ones match nothing)', { ids: [P(6), P(1), P(7), P(99)] }, [P(1), P(6)]],
      ['no ids', { ids: [] }, []],
      ['text, case-insensitive over name and text', { text: 'FoReSt' }, [P(3), P(1), P(2), P(4)]],
      ['text over the id', { text: '00000A' }, [P(10)]],
      ['regex metacharacters as literal text', { text: 'a.b(' }, [P(2)]],
      ['a dot is not a wildcard', { text: 'a.b' }, [P(2)]],
      ['parentheses are literal', { text: '(wide shot)' }, [P(1)]],
      ['a pattern is just text', { text: '.*' }, []],
      ['an empty search is no search', { text: '' }, NEWEST_PROMPTS],
      ['all filters together', { text: 'forest', enhanced: false, createdWithin: 'today', runs: 'some', modelType: 'transfer' }, [P(1)]],
    ])('%s', async (_, filter, expected) => {
      const page = await prompts(filter);
      expect(promptIds(page)).toEqual(expected);
      expect(page.totalCount).toBe(expected.length);
    });

    it('reports every match of the text, per field, in UTF-16 offsets', async () => {
      const page = await prompts({ text: 'forest' });
      const matches = Object.fromEntries(page.items.map((item) => [item.node.prompt.id, item.node.matches]));

      expect(matches[P(1)]).toEqual([
        { field: 'name', start: 0, end: 6 },
        { field: 'text', start: 2, end: 8 },
      ]);
      expect(matches[P(2)]).toEqual([{ field: 'text', start: 33, end: 39 }]);
      // The tree emoji is two UTF-16 code units.
      expect(matches[P(4)]).toEqual([
        { field: 'text', start: 13, end: 19 },
        { field: 'text', start: 21, end: 27 },
      ]);
      expect(matches[P(3)]).toEqual([
        { field: 'name', start: 0, end: 6 },
        { field: 'text', start: 8, end: 14 },
      ]);
      expect((await prompts({ text: '0001' })).items[0].node.matches).toEqual([{ field: 'id', start: 31, end: 35 }]);
      expect((await prompts({ text: 'a.b(' })).items[0].node.matches).toEqual([{ field: 'text', start: 13, end: 17 }]);
      expect((await prompts({})).items.every((item) => item.node.matches.length === 0)).toBe(true);
    });
  });

  describe('prompt sorts and pages', () => {
    it('sorts newest and oldest by creation time, then id', async () => {
      expect(promptIds(await prompts({}, 'newest'))).toEqual(NEWEST_PROMPTS);
      expect(promptIds(await prompts({}, 'oldest'))).toEqual([...NEWEST_PROMPTS].reverse());
    });

    it('sorts by name', async () => {
      expect(promptIds(await prompts({}, 'name'))).toEqual([P(2), P(4), P(1), P(3), P(8), P(9), P(6), P(5), P(10), P(11)]);
    });

    it('pages through three pages with no duplicate or gap while prompts are created in between', async () => {
      const first = await prompts({}, 'newest', { first: 4 });
      expect(promptIds(first)).toEqual(NEWEST_PROMPTS.slice(0, 4));
      expect(first).toMatchObject({ totalCount: 10, hasNextPage: true, endCursor: first.items[3].cursor });

      // One newer than everything (before the cursor: never shown), one that sorts into page 3.
      const mark = history.events.length;
      history.promptCreated({ id: P(12), text: 'Brand new', createdAt: '2026-11-28T11:59:00.000Z' });
      history.promptCreated({ id: P(13), text: 'Backdated', createdAt: '2026-11-20T00:00:00.000Z' });
      await project(history.since(mark));

      const second = await prompts({}, 'newest', { first: 4, after: first.endCursor });
      expect(promptIds(second)).toEqual([P(2), P(9), P(4), P(13)]);
      expect(second).toMatchObject({ totalCount: 12, hasNextPage: true });
      const third = await prompts({}, 'newest', { first: 4, after: second.endCursor });
      expect(promptIds(third)).toEqual([P(5), P(10), P(6)]);
      expect(third.hasNextPage).toBe(false);
      expect(third.endCursor).toBe(third.items[2].cursor);

      const seen = [...promptIds(first), ...promptIds(second), ...promptIds(third)];
      expect(new Set(seen).size).toBe(seen.length);
      expect(sorted(seen)).toEqual(sorted([...NEWEST_PROMPTS, P(13)]));
    });

    it.each<PromptSort>(['newest', 'oldest', 'name'])('pages by %s exactly as one long list', async (sort) => {
      const all = promptIds(await prompts({}, sort));
      const paged: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 10; page++) {
        const found: Page<PromptListItem> = await prompts({}, sort, { first: 3, after });
        paged.push(...promptIds(found));
        if (!found.hasNextPage) break;
        after = found.endCursor;
      }
      expect(paged).toEqual(all);
    });

    it('pages within a filter, counting the whole filter on every page', async () => {
      const first = await prompts({ runs: 'none' }, 'name', { first: 5 });
      const second = await prompts({ runs: 'none' }, 'name', { first: 5, after: first.endCursor });
      expect([promptIds(first), promptIds(second)]).toEqual([
        [P(2), P(3), P(8), P(9), P(6)],
        [P(10), P(11)],
      ]);
      expect([first.totalCount, second.totalCount]).toEqual([7, 7]);
      expect(second.hasNextPage).toBe(false);
    });

    it('answers an empty page with no cursor', async () => {
      expect(await prompts({ ids: [P(99)] })).toEqual({ items: [], totalCount: 0, hasNextPage: false, endCursor: null });
    });

    it('takes 20 by default and 1 to 200', async () => {
      const many = new History();
      for (let n = 200; n < 230; n++) many.promptCreated({ id: P(n), text: `bulk ${n}`, createdAt: minutesAfter('2026-11-01T00:00:00.000Z', n) });
      // Positions continue after the seeded history, as the store's would.
      await project(many.events.map((event) => ({ ...event, position: event.position + 1000 })));
      expect((await catalog.prompts({}, 'newest', {}, NOW)).items).toHaveLength(20);
      expect((await prompts({}, 'newest', { first: 1 })).items).toHaveLength(1);
      expect((await prompts({}, 'newest', { first: 200 })).items).toHaveLength(40);
    });

    it.each([0, 201, 2.5, -1])('refuses first = %p as INVALID_INPUT on "first"', async (first) => {
      const attempt = prompts({}, 'newest', { first });
      await expect(attempt).rejects.toBeInstanceOf(InvalidInput);
      await expect(attempt).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { fields: [{ field: 'first' }] } });
    });

    it('refuses a malformed or foreign cursor as INVALID_INPUT on "after"', async () => {
      const byName = await prompts({}, 'name', { first: 1 });
      const ratingCursor = (await runs({}, 'rating', { first: 1 })).endCursor!;
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const malformed = [
        'not a cursor!',
        '',
        'bm90IGpzb24', // "not json"
        encode({ createdAt: '2026-11-28T09:00:00.000Z', id: P(1) }),
        encode(['newest', '2026-11-28T09:00:00.000Z']),
        encode(['newest', 42, P(1)]),
        encode(['newest', null, P(1)]),
        byName.endCursor!,
      ];
      for (const after of malformed) {
        const attempt = prompts({}, 'newest', { first: 2, after });
        await expect(attempt).rejects.toBeInstanceOf(DomainError);
        await expect(attempt).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { fields: [{ field: 'after' }] } });
      }
      await expect(runs({}, 'rating', { after: encode(['rating', 'five', '2026-11-28T09:00:00.000Z', R(1)]) })).rejects.toBeInstanceOf(InvalidInput);
      await expect(runs({}, 'newest', { after: ratingCursor })).rejects.toBeInstanceOf(InvalidInput);
    });
  });

  describe('run filters', () => {
    it.each<[string, RunFilter, string[]]>([
      ['everything but deleted runs', {}, NEWEST_RUNS],
      ['statuses', { statuses: ['pending', 'running'] }, [R(7), R(6)]],
      ['kinds', { kinds: ['upscale'] }, [R(3), R(9)]],
      ['modelTypes', { modelTypes: ['reason'] }, [R(8)]],
      ['promptIds', { promptIds: [P(4), P(5)] }, [R(12), R(9), R(8), R(11), R(10)]],
      ['rated exactly 5', { rating: { exactly: 5 } }, [R(1), R(10)]],
      ['rated at least 4', { rating: { atLeast: 4 } }, [R(2), R(1), R(10)]],
      ['unrated', { rating: { unrated: true } }, [R(7), R(6), R(5), R(4), R(3), R(12), R(9), R(11)]],
      ['rated', { rating: { unrated: false } }, [R(2), R(1), R(8), R(10)]],
      ['requested today', { createdWithin: 'today' }, [R(7), R(6), R(5), R(4), R(3), R(2), R(1)]],
      ['requested yesterday', { createdWithin: 'yesterday' }, [R(12)]],
      ['requested older than 30 days', { createdWithin: 'older_than_30_days' }, []],
      ['requested after (inclusive, any ISO form)', { createdAfter: '2026-11-23T13:00:00Z' }, [...NEWEST_RUNS.slice(0, 10)]],
      ['requested before (exclusive)', { createdBefore: '2026-11-23T14:00:00.000Z' }, [R(8), R(11), R(10)]],
      ['requested in a range', { createdAfter: '2026-11-23T00:00:00.000Z', createdBefore: '2026-11-23T14:00:00.000Z' }, [R(8)]],
      ['upscaled (a completed upscale exists)', { upscaled: true }, [R(1)]],
      ['not upscaled (a failed upscale does not count)', { upscaled: false }, NEWEST_RUNS.filter((id) => id !== R(1))],
      ['text in the run id, case-insensitive', { text: '0000C' }, [R(12)]],
      ['text in the prompt text', { text: 'DUNES' }, [R(9), R(8)]],
      ['text as a literal', { text: 'axb(' }, [R(12), R(11), R(10)]],
      ['all filters together', { statuses: ['completed'], kinds: ['inference'], promptIds: [P(1)], rating: { atLeast: 5 }, createdWithin: 'today', upscaled: true, text: 'forest' }, [R(1)]],
    ])('%s', async (_, filter, expected) => {
      const page = await runs(filter);
      expect(runIds(page)).toEqual(expected);
      expect(page.totalCount).toBe(expected.length);
    });

    it('refuses a time that is not ISO 8601', async () => {
      await expect(runs({ createdAfter: 'last tuesday' })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        details: { fields: [{ field: 'filter.createdAfter' }] },
      });
      await expect(runs({ createdBefore: 'soon' })).rejects.toBeInstanceOf(InvalidInput);
    });
  });

  describe('run sorts and pages', () => {
    it('sorts newest, oldest, and by rating (unrated last, then newest)', async () => {
      expect(runIds(await runs({}, 'newest'))).toEqual(NEWEST_RUNS);
      expect(runIds(await runs({}, 'oldest'))).toEqual([...NEWEST_RUNS].reverse());
      expect(runIds(await runs({}, 'rating'))).toEqual([R(1), R(10), R(2), R(8), R(7), R(6), R(5), R(4), R(3), R(12), R(9), R(11)]);
    });

    it('pages by rating across the unrated boundary while runs are requested and rated in between', async () => {
      const first = await runs({}, 'rating', { first: 3 });
      const second = await runs({}, 'rating', { first: 3, after: first.endCursor });
      expect(runIds(second)).toEqual([R(8), R(7), R(6)]);

      const mark = history.events.length;
      history.runRequested({ id: R(13), promptId: P(4), requestedAt: '2026-11-28T10:30:00.000Z' }); // unrated, after the cursor
      history.completedRun({ id: R(14), promptId: P(4), requestedAt: '2026-11-28T11:50:00.000Z', rating: 5 }); // before it
      await project(history.since(mark));

      const pages = [first, second];
      for (let after = second.endCursor; pages[pages.length - 1].hasNextPage; after = pages[pages.length - 1].endCursor) {
        pages.push(await runs({}, 'rating', { first: 3, after }));
      }
      const seen = pages.flatMap(runIds);
      expect(pages.map(runIds)).toEqual([
        [R(1), R(10), R(2)],
        [R(8), R(7), R(6)],
        [R(13), R(5), R(4)],
        [R(3), R(12), R(9)],
        [R(11)],
      ]);
      expect(new Set(seen).size).toBe(seen.length);
      expect(pages[4].totalCount).toBe(14);
    });

    it.each<RunSort>(['newest', 'oldest', 'rating'])('pages by %s exactly as one long list', async (sort) => {
      const all = runIds(await runs({}, sort));
      const paged: string[] = [];
      for (let after: string | null = null, page = 0; page < 20; page++) {
        const found: Page<RunDoc> = await runs({}, sort, { first: 2, after });
        paged.push(...runIds(found));
        if (!found.hasNextPage) break;
        after = found.endCursor;
      }
      expect(paged).toEqual(all);
    });
  });

  describe('runs of one prompt or run', () => {
    it('lists a prompt’s runs newest first and a run’s upscales, failed ones too', async () => {
      expect((await catalog.runsOfPrompt(P(1))).map((run) => run.id)).toEqual([R(7), R(6), R(5), R(4), R(3), R(2), R(1)]);
      expect(await catalog.runsOfPrompt(P(2))).toEqual([]);
      expect((await catalog.upscalesOf(R(1))).map((run) => run.id)).toEqual([R(3)]);
      expect((await catalog.upscalesOf(R(8))).map((run) => run.id)).toEqual([R(9)]);
      expect(await catalog.upscalesOf(R(2))).toEqual([]);
      expect(await catalog.run(R(3))).toMatchObject({ kind: 'upscale', sourceRunId: R(1), status: 'completed', _revision: 3 });
      expect(await catalog.prompt(P(7))).toBeNull();
    });

    it('summarises a prompt’s runs: completed by kind, active, and the average rating text', async () => {
      expect(await catalog.runStatistics(P(1))).toEqual({
        completed: { inference: 2, upscale: 1, enhance: 1, total: 4 },
        ratedRuns: 2,
        averageRating: 4.5,
        averageRatingText: '4.5/5 (2 runs)',
        totalRuns: 7,
        activeRuns: 2,
      });
      expect(await catalog.runStatistics(P(4))).toMatchObject({
        completed: { inference: 1, upscale: 0, enhance: 0, total: 1 },
        averageRating: 3,
        averageRatingText: '3.0/5 (1 run)',
        totalRuns: 2,
        activeRuns: 0,
      });
      expect(await catalog.runStatistics(P(2))).toEqual({
        completed: { inference: 0, upscale: 0, enhance: 0, total: 0 },
        ratedRuns: 0,
        averageRating: null,
        averageRatingText: 'No ratings yet',
        totalRuns: 0,
        activeRuns: 0,
      });
    });

    it('forgets a rating that was cleared and rounds the average to one decimal', async () => {
      const mark = history.events.length;
      history.completedRun({ id: R(20), promptId: P(1), requestedAt: '2026-11-28T11:40:00.000Z', rating: 5 });
      history.runRated(R(2), null, '2026-11-28T11:55:00.000Z');
      history.runRated(R(3), 4, '2026-11-28T11:56:00.000Z');
      await project(history.since(mark));

      expect(await catalog.runStatistics(P(1))).toMatchObject({ ratedRuns: 3, averageRating: 14 / 3, averageRatingText: '4.7/5 (3 runs)' });
    });
  });

  describe('lineage', () => {
    /** G → C1 (by E1) → GC (by E3); G → C2 (by E2); C1's text later overwritten by E4. */
    async function family(): Promise<void> {
      const mark = history.events.length;
      const g = P(50);
      const c1 = P(51);
      history.promptCreated({ id: g, text: 'root', createdAt: '2026-11-20T10:00:00.000Z' });
      history.completedRun({ id: R(51), promptId: g, requestedAt: '2026-11-20T10:10:00.000Z', kind: 'enhance' });
      history.promptCreated({ id: c1, text: 'child one', createdAt: '2026-11-20T10:20:00.000Z', enhancedFrom: { promptId: g, runId: R(51), model: 'pixtral' } });
      history.completedRun({ id: R(52), promptId: g, requestedAt: '2026-11-20T10:30:00.000Z', kind: 'enhance' });
      history.promptCreated({ id: P(52), text: 'child two', createdAt: '2026-11-20T10:40:00.000Z', enhancedFrom: { promptId: g, runId: R(52), model: 'pixtral-large' } });
      history.completedRun({ id: R(53), promptId: c1, requestedAt: '2026-11-20T11:00:00.000Z', kind: 'enhance' });
      history.promptCreated({ id: P(53), text: 'grandchild', createdAt: '2026-11-20T11:10:00.000Z', enhancedFrom: { promptId: c1, runId: R(53), model: 'pixtral' } });
      history.completedRun({ id: R(54), promptId: c1, requestedAt: '2026-11-20T12:00:00.000Z', kind: 'enhance' });
      history.promptTextReplaced(c1, 'child one, overwritten', R(54), '2026-11-20T12:07:00.000Z');
      await project(history.since(mark));
    }

    const edge = (parent: number, child: number, run: number, model: string, at: string) => ({
      parentPromptId: P(parent),
      childPromptId: P(child),
      runId: R(run),
      model,
      at,
    });

    it('shows a prompt’s ancestors, descendants, the links between them, and its overwritten texts', async () => {
      await family();
      const lineage = await catalog.lineage(P(51));

      expect(lineage).toMatchObject({ promptId: P(51) });
      expect(lineage!.ancestors.map((p) => p.id)).toEqual([P(50)]);
      expect(lineage!.descendants.map((p) => p.id)).toEqual([P(53)]);
      expect(lineage!.edges).toEqual([
        edge(50, 51, 51, 'pixtral', '2026-11-20T10:20:00.000Z'),
        edge(51, 53, 53, 'pixtral', '2026-11-20T11:10:00.000Z'),
      ]);
      expect(lineage!.textReplacements).toEqual([{ runId: R(54), model: 'pixtral', at: '2026-11-20T12:07:00.000Z', previousText: 'child one' }]);
    });

    it('walks the whole tree breadth-first from the root, and the whole chain up from a leaf', async () => {
      await family();
      const root = await catalog.lineage(P(50));
      expect(root!.ancestors).toEqual([]);
      expect(root!.descendants.map((p) => p.id)).toEqual([P(51), P(52), P(53)]);
      expect(root!.edges).toEqual([
        edge(50, 51, 51, 'pixtral', '2026-11-20T10:20:00.000Z'),
        edge(50, 52, 52, 'pixtral-large', '2026-11-20T10:40:00.000Z'),
        edge(51, 53, 53, 'pixtral', '2026-11-20T11:10:00.000Z'),
      ]);
      expect(root!.textReplacements).toEqual([]);

      const leaf = await catalog.lineage(P(53));
      expect(leaf!.ancestors.map((p) => p.id)).toEqual([P(51), P(50)]);
      expect(leaf!.descendants).toEqual([]);
      expect(leaf!.edges.map((e) => [e.parentPromptId, e.childPromptId])).toEqual([
        [P(51), P(53)],
        [P(50), P(51)],
      ]);
    });

    it('stops at a deleted ancestor and at cycles, and knows no lineage for a missing prompt', async () => {
      await family();
      const mark = history.events.length;
      history.promptDeleted(P(50), '2026-11-21T00:00:00.000Z');
      // Not something the deciders allow; the walk must end anyway.
      history.promptCreated({ id: P(60), text: 'x', createdAt: '2026-11-21T01:00:00.000Z', enhancedFrom: { promptId: P(61), runId: R(60), model: 'm' } });
      history.promptCreated({ id: P(61), text: 'y', createdAt: '2026-11-21T02:00:00.000Z', enhancedFrom: { promptId: P(60), runId: R(61), model: 'm' } });
      await project(history.since(mark));

      expect((await catalog.lineage(P(53)))!.ancestors.map((p) => p.id)).toEqual([P(51)]);
      expect((await catalog.lineage(P(51)))!.ancestors).toEqual([]);
      const cycle = await catalog.lineage(P(60));
      expect(cycle!.ancestors.map((p) => p.id)).toEqual([P(61)]);
      expect(cycle!.descendants).toEqual([]);
      expect(await catalog.lineage(P(50))).toBeNull();
      expect(await catalog.lineage(P(99))).toBeNull();
    });

    it('links an enhanced prompt of the seeded catalog to its source', async () => {
      const lineage = await catalog.lineage(P(1));
      expect(lineage!.descendants.map((p) => p.id)).toEqual([P(3)]);
      expect(lineage!.edges).toEqual([edge(1, 3, 4, 'pixtral', '2026-11-28T10:00:00.000Z')]);
    });
  });
});
