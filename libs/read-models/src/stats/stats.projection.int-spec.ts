import type { JobEvent, RunEvent } from '../../../domain/src/index.js';
import { EVENT_TYPES, EventTypeRegistry, openSqlite, type SqliteDatabase } from '../../../eventstore/src/index.js';
import { busyJobDay, busyWeek, concatLogs, describeProjectionLaws, generatedHistory, History, JobHistory, jobIdOf, minutesAfter, runIdOf } from '../../../testing/src/index.js';
import { applyProjectionBatch } from '../projections/projection-batch.js';
import { SqliteDocumentStore } from '../sqlite/sqlite.document-store.js';
import { applyContributions, emptyBucket, jobContributions, runContributions, type StatsBucket } from './stats.bucket.js';
import { evolveJobFacts, evolveRunFacts, type JobFacts, type RunFacts } from './stats.facts.js';
import { STATS_COLLECTION, statsProjection } from './stats.projection.js';
import { statsOver } from './stats.queries.js';

describeProjectionLaws(statsProjection, {
  documents: 66,
  history: () => concatLogs(busyWeek(), busyJobDay()),
  coverage: (docs) => {
    const buckets = docs.filter((doc) => doc.kind === 'bucket') as unknown as StatsBucket[];
    expect(buckets.some((bucket) => bucket.busySeconds > 0)).toBe(true);
    expect(buckets.some((bucket) => bucket.containersSaved > 0)).toBe(true);
    expect(buckets.some((bucket) => Object.keys(bucket.ratings).length > 0)).toBe(true);
    expect(buckets.some((bucket) => bucket.queueWaits.length > 0)).toBe(true);
  },
});

describe('stats read model', () => {
  let db: SqliteDatabase;
  let documents: SqliteDocumentStore;

  beforeEach(() => {
    db = openSqlite(':memory:');
    documents = new SqliteDocumentStore(db);
  });

  afterEach(async () => {
    await documents.close();
    db.close();
  });

  const project = async (events: readonly Parameters<typeof applyProjectionBatch>[2][number][], batch = 13) => {
    const registry = new EventTypeRegistry(EVENT_TYPES);
    const wanted = events.map((event) => registry.upcast(event));
    for (let from = 0; from < wanted.length; from += batch) {
      await applyProjectionBatch(documents, statsProjection, wanted.slice(from, from + batch), { collection: STATS_COLLECTION, checkpoint: 'stats' });
    }
  };

  for (const seed of [1, 2, 3, 4]) {
    it(`keeps buckets equal to the sum of every entity's final facts, however they changed (history #${seed})`, async () => {
      const history = generatedHistory(seed);
      await project(history.events);
      // From scratch: fold each entity to its end, then add its contribution once.
      const jobs = new Map<string, JobFacts | null>();
      const runs = new Map<string, RunFacts | null>();
      for (const event of history.events) {
        if (event.streamId.startsWith('job-')) jobs.set(event.streamId, evolveJobFacts(jobs.get(event.streamId) ?? null, event as unknown as JobEvent));
        if (event.streamId.startsWith('run-')) runs.set(event.streamId, evolveRunFacts(runs.get(event.streamId) ?? null, event as unknown as RunEvent));
      }
      const parts = [...[...jobs.values()].flatMap(jobContributions), ...[...runs.values()].flatMap(runContributions)];
      const expected = new Map<string, StatsBucket>();
      for (const part of parts) expected.set(part.bucket, applyContributions(expected.get(part.bucket) ?? emptyBucket(part.bucket), part.bucket, [part], 1));
      const stored = await documents.find(STATS_COLLECTION, { kind: 'bucket' });
      const normalise = (bucket: StatsBucket) => ({ ...bucket, queueWaits: [...bucket.queueWaits].sort(), jobDurations: Object.fromEntries(Object.entries(bucket.jobDurations).map(([k, v]) => [k, [...v].sort()])) });
      const strip = ({ _position, _revision, id, ...bucket }: Record<string, unknown>) => [id, normalise(bucket as unknown as StatsBucket)];
      expect(new Map(stored.map((doc) => strip(doc) as [string, unknown]))).toEqual(new Map([...expected].map(([id, bucket]) => [id, normalise(bucket)])));
    });
  }

  it('answers counts, success rate, percentiles, queue waits, GPU time split over hours, batching savings and ratings', async () => {
    const jobs = new JobHistory();
    const catalog = new History();
    const at = (minutes: number) => minutesAfter('2026-11-02T09:00:00.000Z', minutes); // a Monday
    // Job 1 on gpu-1: waits 10 min, runs 09:10 → 10:40 (50 min in the 9 o'clock hour, 40 in the next).
    jobs.queued({ id: jobIdOf(1), queuedAt: at(0) });
    jobs.claimed(jobIdOf(1), at(10), 'gpu-1');
    jobs.succeeded(jobIdOf(1), at(100));
    // Job 2 on gpu-2: waits 20 min, fails with OOM at 10:00.
    jobs.queued({ id: jobIdOf(2), queuedAt: at(5), kind: 'upscale' });
    jobs.claimed(jobIdOf(2), at(25), 'gpu-2');
    jobs.failed(jobIdOf(2), at(60), 'OOM_KILLED');
    // A batch made of three merged jobs: two containers saved; cancelled before any claim.
    jobs.queued({ id: jobIdOf(3), queuedAt: at(30), kind: 'batch_inference', mergedFrom: [jobIdOf(7), jobIdOf(8), jobIdOf(9)] });
    jobs.cancelled(jobIdOf(3), at(31));
    // Runs: one completed and rated 3 then 5, one failed, one cancelled.
    catalog.runRequested({ id: runIdOf(1), promptId: 'ps_1', requestedAt: at(0) });
    catalog.runStatusChanged(runIdOf(1), 'running', at(11), 'gpu-1');
    catalog.runCompleted(runIdOf(1), at(100));
    catalog.runRated(runIdOf(1), 3, at(110));
    catalog.runRated(runIdOf(1), 5, at(120));
    catalog.runRequested({ id: runIdOf(2), promptId: 'ps_1', requestedAt: at(5), kind: 'upscale' });
    catalog.runStatusChanged(runIdOf(2), 'running', at(26), 'gpu-2');
    catalog.runFailed(runIdOf(2), at(60), 'OOM_KILLED');
    catalog.runRequested({ id: runIdOf(3), promptId: 'ps_1', requestedAt: at(6) });
    catalog.runCancelled(runIdOf(3), at(7));
    await project(concatLogs(catalog, jobs).events);

    const day = await statsOver(documents, { from: at(0), to: '2026-11-03T00:00:00.000Z', granularity: 'DAY' });
    expect(day.periods).toHaveLength(1);
    const { total } = day;
    expect(total.runs).toEqual([
      { kind: 'inference', status: 'cancelled', count: 1 },
      { kind: 'inference', status: 'completed', count: 1 },
      { kind: 'upscale', status: 'failed', count: 1 },
    ]);
    expect(total.successRate).toBe(0.5);
    expect(total.failureReasons).toEqual([{ reason: 'OOM_KILLED', count: 1 }]);
    expect(total.jobs).toEqual([
      { kind: 'batch_inference', status: 'cancelled', count: 1 },
      { kind: 'inference', status: 'succeeded', count: 1 },
      { kind: 'upscale', status: 'failed', count: 1 },
    ]);
    expect(total.jobDurations).toEqual([{ kind: 'inference', samples: 1, p50: 5400, p90: 5400 }]);
    expect(total.queueWait).toEqual({ samples: 2, p50: 600, p90: 1200 });
    expect(total.containersSaved).toBe(2);
    expect(total.ratings).toEqual([{ rating: 5, count: 1 }]);
    expect(total.nodes.map(({ node, busySeconds }) => [node, busySeconds])).toEqual([['gpu-1', 5400], ['gpu-2', 2100]]);

    const hours = await statsOver(documents, { from: at(0), to: at(120), granularity: 'HOUR', node: 'gpu-1' });
    expect(hours.periods.map((period) => [period.start, period.nodes])).toEqual([
      ['2026-11-02T09:00:00.000Z', [{ node: 'gpu-1', busySeconds: 3000, utilisation: 3000 / 3600 }]],
      ['2026-11-02T10:00:00.000Z', [{ node: 'gpu-1', busySeconds: 2400, utilisation: 2400 / 3600 }]],
    ]);
    expect(hours.total.runs).toEqual([{ kind: 'inference', status: 'completed', count: 1 }]);
    const week = await statsOver(documents, { from: '2026-11-04T00:00:00.000Z', to: '2026-11-12T00:00:00.000Z', granularity: 'WEEK' });
    expect(week.periods.map((period) => period.start)).toEqual(['2026-11-04T00:00:00.000Z', '2026-11-09T00:00:00.000Z']);
  });

  it('refuses a range that ends before it starts, or holds too many periods', async () => {
    await expect(statsOver(documents, { from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z', granularity: 'DAY' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(statsOver(documents, { from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', granularity: 'HOUR' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

