import { DEFAULT_JOB_DURATIONS_SECONDS } from '../../../domain/src/index.js';
import { openSqlite, type SqliteDatabase } from '../../../eventstore/src/index.js';
import { JobHistory, jobIdOf as J, minutesAfter } from '../../../testing/src/index.js';
import { applyProjectionBatch } from '../projections/projection-batch.js';
import { SqliteDocumentStore } from '../sqlite/sqlite.document-store.js';
import { jobsProjection } from './jobs.projection.js';
import { queueView, type QueueView } from './queue-view.js';

const NOW = '2026-11-28T12:00:00.000Z';
const ago = (minutes: number) => minutesAfter(NOW, -minutes);

describe('queue view (SQLite)', () => {
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

  async function seed(history: JobHistory): Promise<void> {
    await applyProjectionBatch(documents, jobsProjection, history.events, { collection: jobsProjection.collection, checkpoint: jobsProjection.name });
  }

  const ids = (view: QueueView) => view.items.map((item) => item.job.id);

  it('lists queued jobs by priority, then first come first served, and nothing else', async () => {
    const h = new JobHistory();
    h.queued({ id: J(1), queuedAt: ago(50), priority: 50 });
    h.queued({ id: J(2), queuedAt: ago(40), priority: 80 });
    h.queued({ id: J(3), queuedAt: ago(45), priority: 50 });
    h.queued({ id: J(4), queuedAt: ago(30), priority: 80 });
    // Bumped after queueing: it moves ahead of everything, but keeps its queuedAt.
    h.queued({ id: J(5), queuedAt: ago(10), priority: 10 });
    h.priorityChanged(J(5), 95, ago(5));
    // Released after a crash during upload: back at its old place, ahead of later jobs of its priority.
    h.queued({ id: J(6), queuedAt: ago(48), priority: 50 });
    h.claimed(J(6), ago(20));
    h.released(J(6), ago(19));
    // Not waiting: cancelled, or finished.
    h.queued({ id: J(7), queuedAt: ago(60), priority: 100 });
    h.cancelled(J(7), ago(59));
    h.succeededJob({ id: J(8), queuedAt: ago(100) });
    await seed(h);

    const view = await queueView(documents, { now: NOW, nodeCount: 1 });

    expect(ids(view)).toEqual([J(5), J(2), J(4), J(1), J(6), J(3)]);
    expect(view.items.map((item) => item.position)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(view.items[4].job).toMatchObject({ status: 'queued', attempts: 1, queuedAt: ago(48) });
  });

  it('estimates waits from the default durations while no job of a kind has succeeded', async () => {
    const h = new JobHistory();
    h.queued({ id: J(1), queuedAt: ago(30), kind: 'upscale' });
    h.queued({ id: J(2), queuedAt: ago(20), kind: 'enhance' });
    h.queued({ id: J(3), queuedAt: ago(10) });
    h.queued({ id: J(4), queuedAt: ago(5), kind: 'batch_inference' });
    await seed(h);

    const oneNode = await queueView(documents, { now: NOW, nodeCount: 1 });
    const { upscale, enhance, inference } = DEFAULT_JOB_DURATIONS_SECONDS;
    expect(oneNode.items.map((item) => item.etaSeconds)).toEqual([0, upscale, upscale + enhance, upscale + enhance + inference]);
    expect(oneNode.durationsUsed).toEqual({
      inference: { seconds: 600, source: 'default', samples: 0 },
      batch_inference: { seconds: 1200, source: 'default', samples: 0 },
      upscale: { seconds: 900, source: 'default', samples: 0 },
      enhance: { seconds: 120, source: 'default', samples: 0 },
    });

    // Two nodes: the first two start now; the third goes to the node the enhance frees first.
    const twoNodes = await queueView(documents, { now: NOW, nodeCount: 2 });
    expect(twoNodes.items.map((item) => item.etaSeconds)).toEqual([0, 0, enhance, enhance + inference]);

    const configured = await queueView(documents, { now: NOW, nodeCount: 1, defaults: { ...DEFAULT_JOB_DURATIONS_SECONDS, upscale: 60 } });
    expect(configured.items.map((item) => item.etaSeconds)).toEqual([0, 60, 60 + enhance, 60 + enhance + inference]);
  });

  it('learns a kind’s duration from the median of its latest successes, by when they finished', async () => {
    const h = new JobHistory();
    // Queued first but claimed late: the latest to finish, so it counts; J(2) and J(3) finished before J(4) and J(5).
    h.queued({ id: J(1), queuedAt: ago(400) });
    h.claimed(J(1), ago(102));
    h.succeeded(J(1), ago(100));
    h.succeededJob({ id: J(2), queuedAt: ago(330), minutes: 30 });
    h.succeededJob({ id: J(3), queuedAt: ago(300), minutes: 20 });
    h.succeededJob({ id: J(4), queuedAt: ago(250), minutes: 8 });
    h.succeededJob({ id: J(5), queuedAt: ago(200), minutes: 7 });
    // Failures and other kinds say nothing about inference.
    h.queued({ id: J(6), queuedAt: ago(150) });
    h.claimed(J(6), ago(149));
    h.failed(J(6), ago(20));
    h.succeededJob({ id: J(7), queuedAt: ago(120), kind: 'enhance', minutes: 3 });

    h.queued({ id: J(10), queuedAt: ago(15) });
    h.queued({ id: J(11), queuedAt: ago(14) });
    h.queued({ id: J(12), queuedAt: ago(13), kind: 'upscale' });
    await seed(h);

    const view = await queueView(documents, { now: NOW, nodeCount: 1, recentLimit: 3 });

    // The last three to finish took 2, 7 and 8 minutes.
    expect(view.durationsUsed.inference).toEqual({ seconds: 420, source: 'recent', samples: 3 });
    expect(view.durationsUsed.enhance).toEqual({ seconds: 180, source: 'recent', samples: 1 });
    expect(view.durationsUsed.upscale).toEqual({ seconds: 900, source: 'default', samples: 0 });
    expect(view.items.map((item) => [item.job.id, item.etaSeconds])).toEqual([
      [J(10), 0],
      [J(11), 420],
      [J(12), 840],
    ]);

    // The default limit (20) takes every success: median of 2, 30, 20, 8 and 7 minutes.
    expect((await queueView(documents, { now: NOW, nodeCount: 1 })).durationsUsed.inference).toEqual({ seconds: 480, source: 'recent', samples: 5 });
  });

  it('lists what runs now, oldest claim first, with its elapsed time, and waits for its node to free up', async () => {
    const h = new JobHistory();
    h.queued({ id: J(1), queuedAt: ago(30) });
    h.claimed(J(1), ago(4), 'gpu-1');
    h.stageChanged(J(1), 'running', 30, ago(3));
    h.queued({ id: J(2), queuedAt: ago(30), kind: 'upscale' });
    h.claimed(J(2), ago(10), 'gpu-2');
    h.stageChanged(J(2), 'downloading', 80, ago(1));
    h.queued({ id: J(3), queuedAt: ago(20), kind: 'enhance' });
    h.claimed(J(3), ago(1), 'gpu-3');
    // Finished or waiting: not running.
    h.succeededJob({ id: J(4), queuedAt: ago(100), kind: 'batch_inference', minutes: 20 });
    h.queued({ id: J(5), queuedAt: ago(2) });
    await seed(h);

    const view = await queueView(documents, { now: NOW, nodeCount: 3 });

    expect(view.running.map(({ job, elapsedSeconds }) => [job.id, job.status, job.node, elapsedSeconds])).toEqual([
      [J(2), 'downloading', 'gpu-2', 600],
      [J(1), 'running', 'gpu-1', 240],
      [J(3), 'claimed', 'gpu-3', 60],
    ]);
    // gpu-1 frees in 600 − 240 s, gpu-2 in 900 − 600 s, gpu-3 in 120 − 60 s: the enhance's node comes first.
    expect(view.items).toEqual([expect.objectContaining({ position: 1, etaSeconds: 60, job: expect.objectContaining({ id: J(5) }) })]);
  });

  it('is empty for an empty collection', async () => {
    const view = await queueView(documents, { now: NOW, nodeCount: 2 });
    expect(view.items).toEqual([]);
    expect(view.running).toEqual([]);
    expect(view.durationsUsed.inference.source).toBe('default');
  });
});
