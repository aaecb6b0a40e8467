import { setTimeout as sleep } from 'node:timers/promises';
import { ids, jobDecider, type JobKind, jobStream, type QueueJob, runDecider, runStream } from '../libs/domain/src/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { queuedPromptOf } from '../libs/testing/src/index.js';

const QUEUE = `{ queue {
  paused
  items { position etaSeconds job { id kind status priority } }
  running { elapsedSeconds job { id status node attempts claimedAt } }
  estimates { kind seconds source samples }
} }`;
const JOBS = `query($filter: JobFilterInput, $first: Int, $after: String) {
  jobs(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id status } } }
}`;
const JOB = `query($id: String!) { job(id: $id) {
  id kind status runIds promptIds priority queuedAt queuedBy attempts node containerName claimedAt finishedAt durationSeconds revision
  runs { id jobId kind }
} }`;

interface Seed {
  readonly kind: JobKind;
  readonly priority: number;
  /** Seconds after the test's base time. */
  readonly queuedAfter: number;
  readonly runs?: number;
}

/**
 * A queue as workers leave it: one job succeeded (inference, 300 s), one held by a node, four
 * waiting. Times are explicit and two hours back, so durations are exact and the held job is
 * overdue (its node counts as free now), which makes every ETA exact too.
 */
describe('jobs and the queue view over GraphQL', () => {
  let cosmos: CosmosHarness;
  const base = Math.floor(Date.now() / 1000) * 1000 - 2 * 3600_000;
  const at = (seconds: number) => new Date(base + seconds * 1000).toISOString();
  const promptId = ids.prompt();
  const job: Record<'done' | 'held' | 'normal' | 'urgent' | 'batch' | 'low', string> = {
    done: ids.job(),
    held: ids.job(),
    normal: ids.job(),
    urgent: ids.job(),
    batch: ids.job(),
    low: ids.job(),
  };
  const runIdsOf: Record<string, string[]> = {};

  const queue = async (jobId: string, { kind, priority, queuedAfter, runs = 1 }: Seed) => {
    const runIds = Array.from({ length: runs }, () => ids.run());
    runIdsOf[jobId] = runIds;
    const config = kind === 'batch_inference' ? { runs: runIds.map((_, seed) => ({ seed })) } : { seed: 1 };
    const command: QueueJob = {
      type: 'QueueJob',
      jobId,
      kind,
      runIds,
      promptIds: runIds.map(() => promptId),
      config,
      prompts: { [promptId]: queuedPromptOf(promptId) },
      upscale: kind === 'upscale' ? { sourceRunId: null, sourceVideo: 'city/color.mp4', video: { root: 'inputs', path: 'city/color.mp4' } } : null,
      priority,
      idempotencyKey: null,
      retryOf: null,
      now: at(queuedAfter),
      actor: 'ana',
    };
    await cosmos.execute(jobDecider, jobStream(jobId), command);
  };

  const requestRuns = async (jobId: string, kind: 'inference' | 'enhance') => {
    for (const runId of runIdsOf[jobId]) {
      await cosmos.execute(runDecider, runStream(runId), {
        type: 'RequestRun',
        runId,
        promptId,
        jobId,
        kind,
        modelType: 'transfer',
        config: { seed: 1 },
        sourceRunId: null,
        sourceVideo: null,
        now: at(0),
        actor: 'ana',
      });
    }
  };

  /** harness.execute does not wait for read models; GraphQL mutations do. */
  const eventually = async (query: string, variables: Record<string, unknown>, done: (data: Record<string, any>) => boolean) => {
    let last: unknown;
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await sleep(10)) {
      const { data, errors } = await cosmos.gql(query, variables);
      expect(errors).toBeUndefined();
      if (done(data!)) return data!;
      last = data;
    }
    throw new Error(`read model never caught up: ${JSON.stringify(last)}`);
  };

  beforeAll(async () => {
    // No GPU node: jobs stay queued, which is the state these tests look at.
    cosmos = await CosmosHarness.start({ env: { COSMOS_GPU_SIMULATED: 'false' } });
    await queue(job.done, { kind: 'inference', priority: 50, queuedAfter: 0 });
    await queue(job.held, { kind: 'upscale', priority: 50, queuedAfter: 1 });
    await queue(job.normal, { kind: 'inference', priority: 50, queuedAfter: 2 });
    await queue(job.urgent, { kind: 'enhance', priority: 90, queuedAfter: 3 });
    await queue(job.batch, { kind: 'batch_inference', priority: 50, queuedAfter: 4, runs: 2 });
    await queue(job.low, { kind: 'inference', priority: 10, queuedAfter: 5 });
    await requestRuns(job.done, 'inference');
    await requestRuns(job.batch, 'inference');

    await cosmos.execute(jobDecider, jobStream(job.done), { type: 'ClaimJob', jobId: job.done, node: 'gpu-1', attempt: 1, now: at(10) });
    await cosmos.execute(jobDecider, jobStream(job.done), { type: 'SucceedJob', jobId: job.done, now: at(310) });
    await cosmos.execute(jobDecider, jobStream(job.held), { type: 'ClaimJob', jobId: job.held, node: 'gpu-1', attempt: 1, now: at(400) });

    await eventually(JOBS, { filter: { statuses: ['succeeded', 'claimed'] } }, (data) => data.jobs.totalCount === 2);
  });

  afterAll(async () => {
    await cosmos?.stop();
  });

  it('lists queued jobs in claim order with growing ETAs built on recent and default durations', async () => {
    const { data, errors } = await cosmos.gql(QUEUE);
    expect(errors).toBeUndefined();
    const { items, estimates } = data!.queue;

    // enhance (default 120 s) → inference (median of one success, 300 s) → batch (default 1200 s) → low priority.
    expect(items.map((item: any) => [item.position, item.job.id, item.etaSeconds])).toEqual([
      [1, job.urgent, 0],
      [2, job.normal, 120],
      [3, job.batch, 420],
      [4, job.low, 1620],
    ]);
    expect(items.every((item: any) => item.job.status === 'queued')).toBe(true);
    expect(estimates).toEqual([
      { kind: 'inference', seconds: 300, source: 'recent', samples: 1 },
      { kind: 'batch_inference', seconds: 1200, source: 'default', samples: 0 },
      { kind: 'upscale', seconds: 900, source: 'default', samples: 0 },
      { kind: 'enhance', seconds: 120, source: 'default', samples: 0 },
    ]);
  });

  it('shows the claimed job as running, and neither it nor the finished job among the items', async () => {
    const { data } = await cosmos.gql(QUEUE);
    const { running, items } = data!.queue;
    expect(running).toHaveLength(1);
    expect(running[0].job).toEqual({ id: job.held, status: 'claimed', node: 'gpu-1', attempts: 1, claimedAt: at(400) });
    // Claimed 400 s after a base two hours back, so about 6800 s ago; the test itself takes a few.
    expect(running[0].elapsedSeconds).toBeGreaterThanOrEqual(2 * 3600 - 400);
    expect(running[0].elapsedSeconds).toBeLessThan(2 * 3600 - 400 + 120);
    const itemIds = items.map((item: any) => item.job.id);
    expect(itemIds).not.toContain(job.held);
    expect(itemIds).not.toContain(job.done);
  });

  it('answers a plain queue query without the job fields', async () => {
    const { data, errors } = await cosmos.gql(`{ queue { paused revision } }`);
    expect(errors).toBeUndefined();
    expect(data!.queue).toEqual({ paused: false, revision: -1 });
  });

  it('lists every job, finished ones included, newest queued first, in keyset pages', async () => {
    const first = await cosmos.gql(JOBS, { first: 4 });
    expect(first.errors).toBeUndefined();
    expect(first.data!.jobs.totalCount).toBe(6);
    expect(first.data!.jobs.edges.map((edge: any) => edge.node.id)).toEqual([job.low, job.batch, job.urgent, job.normal]);
    expect(first.data!.jobs.pageInfo.hasNextPage).toBe(true);

    const second = await cosmos.gql(JOBS, { first: 4, after: first.data!.jobs.pageInfo.endCursor });
    expect(second.data!.jobs.edges.map((edge: any) => [edge.node.id, edge.node.status])).toEqual([
      [job.held, 'claimed'],
      [job.done, 'succeeded'],
    ]);
    expect(second.data!.jobs).toMatchObject({ totalCount: 6, pageInfo: { hasNextPage: false } });
  });

  it('filters jobs by status and kind', async () => {
    const ids = async (filter: Record<string, unknown>) =>
      ((await cosmos.gql(JOBS, { filter })).data!.jobs.edges as any[]).map((edge) => edge.node.id);
    expect(await ids({ statuses: ['succeeded'] })).toEqual([job.done]);
    expect(await ids({ kinds: ['inference'] })).toEqual([job.low, job.normal, job.done]);
    expect(await ids({ statuses: ['queued'], kinds: ['inference', 'enhance'] })).toEqual([job.low, job.urgent, job.normal]);
    expect(await ids({ statuses: [] })).toEqual([]);
  });

  it('refuses a cursor that is not one, and an unknown status', async () => {
    const badCursor = await cosmos.gql(JOBS, { after: 'not a cursor' });
    expect(badCursor.errors?.[0].extensions).toMatchObject({ code: 'INVALID_INPUT' });
    const badStatus = await cosmos.gql(JOBS, { filter: { statuses: ['done'] } });
    expect(badStatus.errors?.[0].message).toMatch(/JobStatus/);
  });

  it('shows one job with its measured duration and its runs in order', async () => {
    const done = await cosmos.gql(JOB, { id: job.done });
    expect(done.errors).toBeUndefined();
    expect(done.data!.job).toMatchObject({
      id: job.done,
      kind: 'inference',
      status: 'succeeded',
      runIds: runIdsOf[job.done],
      promptIds: [promptId],
      priority: 50,
      queuedAt: at(0),
      queuedBy: 'ana',
      attempts: 1,
      node: 'gpu-1',
      claimedAt: at(10),
      finishedAt: at(310),
      durationSeconds: 300,
      runs: [{ id: runIdsOf[job.done][0], jobId: job.done, kind: 'inference' }],
    });
    expect(done.data!.job.containerName).toEqual(expect.any(String));

    const batch = await cosmos.gql(JOB, { id: job.batch });
    expect(batch.data!.job.runs.map((run: any) => run.id)).toEqual(runIdsOf[job.batch]);
    // Its runs were never requested: the list is empty rather than an error.
    expect((await cosmos.gql(JOB, { id: job.low })).data!.job.runs).toEqual([]);
    expect((await cosmos.gql(JOB, { id: ids.job() })).data!.job).toBeNull();
  });

  it('pushes a priority change to jobUpdated subscribers, and the queue reorders', async () => {
    const updates = cosmos.subscribe<{ jobUpdated: { jobId: string; deleted: boolean; job: { priority: number; revision: number } } }>(
      `subscription { jobUpdated(id: "${job.low}") { jobId deleted job { priority revision } } }`,
    );
    await updates.listening();
    const before = (await cosmos.gql(JOB, { id: job.low })).data!.job.revision as number;

    // Another job's change must not reach this subscriber.
    await cosmos.execute(jobDecider, jobStream(job.normal), { type: 'ChangeJobPriority', jobId: job.normal, priority: 60, now: at(500), actor: 'ben' });
    await cosmos.execute(jobDecider, jobStream(job.low), { type: 'ChangeJobPriority', jobId: job.low, priority: 95, now: at(501), actor: 'ben' });

    const [pushed] = await updates.next(1);
    expect(pushed.jobUpdated).toEqual({ jobId: job.low, deleted: false, job: { priority: 95, revision: before + 1 } });
    updates.stop();

    const data = await eventually(QUEUE, {}, (answer) => answer.queue.items[0].job.id === job.low);
    expect(data.queue.items.map((item: any) => [item.position, item.job.id])).toEqual([
      [1, job.low],
      [2, job.urgent],
      [3, job.normal],
      [4, job.batch],
    ]);
  });
});
