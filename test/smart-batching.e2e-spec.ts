import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BatchLine, ids, jobBatchJsonlPath, jobDecider, jobStream } from '../libs/domain/src/index.js';
import { STUCK_GRACE_MS } from '../apps/api/src/integrity/live-jobs.js';
import { EVENT_STORE, type EventStore } from '../libs/eventstore/src/index.js';
import { SIMULATED_REMOTE_DIR } from '../libs/gpu-sim/src/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { createTestPrompt, finished, requestInference, waitForJob } from '../apps/server/testing/job-flows.js';
import { startTestGpuNode, type TestGpuNode } from '../libs/testing/src/nodes/index.js';

const PLAN = `query($mode: BatchingMode, $max: Int) {
  smartBatchPlan(mode: $mode, maxRunsPerBatch: $max) {
    __typename
    ... on BatchPlan { mode maxRunsPerBatch basis jobsMerged runsBatched containersSaved batches { jobs { id } runIds controls priority queuedAt } }
    ... on InvalidInput { fields { field problem } }
  }
}`;
const APPLY = `mutation($input: ApplySmartBatchingInput!) {
  applySmartBatching(input: $input) {
    __typename
    ... on SmartBatchingApplied { planId batches { batchJobId mergedJobIds skippedJobIds job { id kind status runIds promptIds priority queuedAt mergedFrom } } }
    ... on StaleBatchPlan { code plan { basis jobsMerged } }
    ... on UserError { code message }
  }
}`;
const VERIFY = `mutation($fix: Boolean) { verifyIntegrity(fix: $fix) { issues { kind subject detail } actions { kind subject detail } } }`;
const MERGED = `query($id: String!) { job(id: $id) { id status mergedInto finishedAt runs { id jobId } } }`;

const EDGE = { vis: 0, edge: 0.5, depth: 0, seg: 0 };
const DEPTH_AND_EDGE = { vis: 0, edge: 0.3, depth: 0.6, seg: 0 };

describe('smart batching over GraphQL', () => {
  let node: TestGpuNode;
  let cosmos: CosmosHarness;
  let prompts: string[];

  beforeAll(async () => {
    node = await startTestGpuNode('gpu-a', { durationMs: 300 });
    cosmos = await CosmosHarness.start({ toml: node.toml });
    prompts = [
      await createTestPrompt(cosmos, 'a harbour at dawn', 'harbour'),
      await createTestPrompt(cosmos, 'a desert road, "heat haze"', 'desert'),
      await createTestPrompt(cosmos, 'a snowy forest', 'forest'),
    ];
  });

  afterAll(async () => {
    await cosmos?.stop();
    await node?.stop();
  });

  const plan = async (mode: string, max = 16) => (await cosmos.gql(PLAN, { mode, max })).data!.smartBatchPlan;
  const apply = async (input: Record<string, unknown>) => (await cosmos.gql(APPLY, { input })).data!.applySmartBatching;
  const pause = () => cosmos.gql(`mutation { pauseQueue(input: { reason: "batching" }) { __typename } }`);
  const resume = () => cosmos.gql(`mutation { resumeQueue(input: {}) { __typename } }`);

  it('merges compatible queued jobs into one batch job that one container runs, each run keeping its own weights', async () => {
    await pause();
    const first = await requestInference(cosmos, { promptIds: [prompts[0]], weights: EDGE, seed: 7 });
    const other = await requestInference(cosmos, { promptIds: [prompts[1]], weights: EDGE, seed: 8 });
    const second = await requestInference(cosmos, { promptIds: [prompts[1]], weights: EDGE, seed: 7 });
    const third = await requestInference(cosmos, { promptIds: [prompts[2]], weights: DEPTH_AND_EDGE, seed: 7 });

    const strict = await plan('strict');
    expect(strict).toMatchObject({ __typename: 'BatchPlan', jobsMerged: 2, runsBatched: 2, containersSaved: 1 });
    expect(strict.batches).toEqual([expect.objectContaining({ jobs: [{ id: first }, { id: second }], controls: ['edge'], priority: 50 })]);
    const mixed = await plan('mixed');
    expect(mixed.batches).toEqual([expect.objectContaining({ jobs: [{ id: first }, { id: second }, { id: third }], controls: ['edge', 'depth'] })]);
    expect(mixed.containersSaved).toBe(2);

    const applied = await apply({ mode: 'mixed', basis: mixed.basis });
    expect(applied.__typename).toBe('SmartBatchingApplied');
    const [batch] = applied.batches;
    expect(batch).toMatchObject({ mergedJobIds: [first, second, third], skippedJobIds: [] });
    expect(batch.job).toMatchObject({ kind: 'batch_inference', status: 'queued', promptIds: [prompts[0], prompts[1], prompts[2]], mergedFrom: [first, second, third] });
    // The batch keeps the first job's place; the seed-8 job it passes was queued after it.
    const firstJob = (await cosmos.gql(`query($id: String!) { job(id: $id) { queuedAt } }`, { id: first })).data!.job;
    expect(batch.job.queuedAt).toBe(firstJob.queuedAt);

    for (const source of [first, second, third]) {
      const merged = (await cosmos.gql(MERGED, { id: source })).data!.job;
      expect(merged).toMatchObject({ status: 'merged', mergedInto: batch.batchJobId, runs: [{ jobId: batch.batchJobId }] });
    }
    const queue = (await cosmos.gql(`{ queue { items { job { id } } } }`)).data!.queue;
    expect(queue.items.map((item: { job: { id: string } }) => item.job.id)).toEqual([batch.batchJobId, other]);

    await resume();
    const done = await waitForJob(cosmos, batch.batchJobId, finished, 30_000);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(done.runs.map((run: { status: string }) => run.status)).toEqual(['completed', 'completed', 'completed']);
    for (const run of done.runs) expect(run.outputs.map((file: { name: string }) => file.name)).toContain('output.mp4');
    // One model invocation: every run's weights went in as its own line's overrides.
    const jsonl = readFileSync(join(node.node.root, SIMULATED_REMOTE_DIR, jobBatchJsonlPath(batch.batchJobId)), 'utf8');
    const lines = jsonl.trim().split('\n').map((line) => JSON.parse(line) as BatchLine);
    expect(lines.map((line) => [line.prompt, line.control_overrides.edge?.control_weight, line.control_overrides.depth?.control_weight])).toEqual([
      ['a harbour at dawn', 0.5, 0],
      ['a desert road, "heat haze"', 0.5, 0],
      ['a snowy forest', 0.3, 0.6],
    ]);
    const events = cosmos.get<EventStore>(EVENT_STORE);
    expect((await events.readStream(jobStream(batch.batchJobId))).filter((event) => event.type === 'JobClaimed')).toHaveLength(1);
    for (const source of [first, second, third]) {
      expect((await events.readStream(jobStream(source))).map((event) => event.type)).toEqual(['JobQueued', 'JobMergedIntoBatch']);
    }
    await waitForJob(cosmos, other, finished, 30_000);
  }, 60_000);

  it('refuses a plan the queue has moved on from, and leaves a job claimed meanwhile out of its batch', async () => {
    await pause();
    const a = await requestInference(cosmos, { promptIds: [prompts[0]], seed: 21 });
    const b = await requestInference(cosmos, { promptIds: [prompts[1]], seed: 21 });
    const reviewed = await plan('strict');
    expect(reviewed.batches.map((batch: { jobs: { id: string }[] }) => batch.jobs.map((job) => job.id))).toEqual([[a, b]]);

    const c = await requestInference(cosmos, { promptIds: [prompts[2]], seed: 21 });
    const stale = await apply({ mode: 'strict', basis: reviewed.basis });
    expect(stale).toMatchObject({ __typename: 'StaleBatchPlan', code: 'STALE_BATCH_PLAN', plan: { jobsMerged: 3 } });

    const fresh = await apply({ mode: 'strict', basis: stale.plan.basis });
    expect(fresh.batches[0]).toMatchObject({ mergedJobIds: [a, b, c], skippedJobIds: [] });
    await resume();
    await waitForJob(cosmos, fresh.batches[0].batchJobId, finished, 30_000);

    const nothing = await apply({ mode: 'strict', basis: (await plan('strict')).basis });
    expect(nothing).toMatchObject({ __typename: 'NothingToBatch', code: 'NOTHING_TO_BATCH' });
  }, 60_000);

  it('finishes an apply cut off after its merges: verifyIntegrity reports the batch, and fix queues it with their runs', async () => {
    await pause();
    const a = await requestInference(cosmos, { promptIds: [prompts[0]], seed: 31 });
    const b = await requestInference(cosmos, { promptIds: [prompts[2]], seed: 31 });
    // The apply merged both jobs two minutes ago, then its process died before moving runs or queueing the batch.
    const batchJobId = ids.job();
    const then = new Date(Date.now() - 2 * STUCK_GRACE_MS).toISOString();
    for (const jobId of [a, b]) await cosmos.execute(jobDecider, jobStream(jobId), { type: 'MergeIntoBatch', jobId, batchJobId, now: then, actor: 'ana' });

    const verify = async (fix: boolean) => (await cosmos.gql(VERIFY, { fix })).data!.verifyIntegrity;
    expect((await verify(false)).issues).toEqual([
      { kind: 'UNFINISHED_BATCH', subject: batchJobId, detail: `merged from ${a}, ${b}, but never queued: their runs wait for it.` },
    ]);
    const fixed = await verify(true);
    expect(fixed.actions).toEqual([{ kind: 'COMPLETED_BATCH', subject: batchJobId, detail: `Queued with 2 runs of ${a}, ${b}.` }]);
    expect((await verify(false)).issues).toEqual([]);

    await resume();
    const done = await waitForJob(cosmos, batchJobId, finished, 30_000);
    expect(done).toMatchObject({ kind: 'batch_inference', status: 'succeeded', runs: [{ status: 'completed' }, { status: 'completed' }] });
    for (const source of [a, b]) expect((await cosmos.gql(MERGED, { id: source })).data!.job).toMatchObject({ status: 'merged', runs: [{ jobId: batchJobId }] });
  }, 60_000);

  it('answers bad options with the fields at fault', async () => {
    const bad = await plan('strict', 1);
    expect(bad.__typename).toBe('InvalidInput');
    expect(bad.fields).toEqual([expect.objectContaining({ field: 'input.maxRunsPerBatch' })]);
    const refused = await apply({ mode: 'strict', maxRunsPerBatch: 100, basis: 'x' });
    expect(refused).toMatchObject({ __typename: 'InvalidInput', code: 'INVALID_INPUT' });
  });
});
