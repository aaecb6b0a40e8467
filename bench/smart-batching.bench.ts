import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { createTestPrompt, finished, requestInference, waitForJob } from '../apps/server/testing/job-flows.js';
import { round, spread, timings } from './samples.js';

/**
 * The simulated model takes this long per invocation however many lines it has, as a real model
 * whose load dominates would; so the figures show what batching saves around the model, not GPU time.
 */
const MODEL_MS = 250;
const JOBS = 16;
const PLANNED_QUEUE = 200;
const PLAN_ITERATIONS = 10;
const JOB_TIMEOUT_MS = 120_000;

const PLAN = `query { smartBatchPlan(mode: strict, maxRunsPerBatch: 8) { ... on BatchPlan { basis jobsMerged containersSaved batches { runIds } } } }`;
const APPLY = `mutation($basis: String!) {
  applySmartBatching(input: { mode: strict, maxRunsPerBatch: 8, basis: $basis }) { __typename ... on SmartBatchingApplied { batches { batchJobId } } }
}`;

/**
 * The same 16 compatible jobs run as they were queued, then merged into batches of 8, on the
 * in-process simulated node; and how long planning and applying take over a queue of 200 jobs.
 */
export async function benchSmartBatching(): Promise<Record<string, unknown>> {
  const cosmos = await CosmosHarness.start({ env: { COSMOS_GPU_SIMULATED_DURATION_MS: String(MODEL_MS) } });
  try {
    const promptId = await createTestPrompt(cosmos, 'a harbor at golden hour', 'bench');
    const request = (): Promise<string> => requestInference(cosmos, { promptIds: [promptId], seed: 1 });
    const pause = () => cosmos.gql('mutation { pauseQueue(input: { reason: "bench" }) { __typename } }');
    const resume = () => cosmos.gql('mutation { resumeQueue(input: {}) { __typename } }');
    const runAll = async (jobIds: readonly string[]): Promise<number> => {
      const started = Date.now();
      await resume();
      for (const jobId of jobIds) {
        const job = await waitForJob(cosmos, jobId, finished, JOB_TIMEOUT_MS);
        if (job.status !== 'succeeded') throw new Error(`bench job ${jobId} ended ${job.status}: ${JSON.stringify(job.failure)}`);
      }
      return Date.now() - started;
    };
    // The first job also opens the node's SSH connection and SFTP session.
    await runAll([await request()]);

    await pause();
    const separate = await runAll(await queueJobs(JOBS, request));

    await pause();
    await queueJobs(JOBS, request);
    const plan = (await cosmos.gql(PLAN)).data!.smartBatchPlan;
    const applied = (await cosmos.gql(APPLY, { basis: plan.basis })).data!.applySmartBatching;
    if (applied.__typename !== 'SmartBatchingApplied') throw new Error(`bench apply answered ${applied.__typename}`);
    const batched = await runAll(applied.batches.map((batch: { batchJobId: string }) => batch.batchJobId));

    await pause();
    await queueJobs(PLANNED_QUEUE, request);
    const planning = await timings(PLAN_ITERATIONS, () => cosmos.gql(PLAN));
    const big = (await cosmos.gql(PLAN)).data!.smartBatchPlan;
    const applyStarted = Date.now();
    await cosmos.gql(APPLY, { basis: big.basis });
    const applyMs = Date.now() - applyStarted;

    return {
      node: 'simulated, in-process',
      modelMsPerInvocation: MODEL_MS,
      jobs: JOBS,
      separate: { containers: JOBS, wallMs: separate, perRunMs: round(separate / JOBS) },
      batched: { containers: applied.batches.length, wallMs: batched, perRunMs: round(batched / JOBS) },
      queueOf200: { planMs: spread(planning), applyMs, jobsMerged: big.jobsMerged, containersSaved: big.containersSaved },
    };
  } finally {
    await cosmos.stop();
  }
}

async function queueJobs(count: number, request: () => Promise<string>): Promise<string[]> {
  const jobIds: string[] = [];
  for (let i = 0; i < count; i++) jobIds.push(await request());
  return jobIds;
}
