import { join } from 'node:path';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { createTestPrompt } from '../apps/server/testing/job-flows.js';
import { benchBareRemoteOperations } from './bare-remote-operations.js';
import { benchJobs, type JobTimeline } from './job-timeline.js';
import { round, spread } from './samples.js';

/** How long the simulated model runs per job: the only part of a job that would be GPU time. */
const MODEL_MS = 250;
// 40 samples, so that a p95 is not simply the slowest one.
const SEQUENTIAL_JOBS = 40;
const BACK_TO_BACK_JOBS = 40;
const BARE_ITERATIONS = 40;
const JOB_TIMEOUT_MS = 60_000;

/**
 * What the worker adds around each model run, on the in-process simulated node of a whole service
 * (API, event store, projections, worker) started as `npm start` would without configured nodes.
 * Every time comes from the job's own events, so polling by this bench does not count.
 */
export async function benchOrchestration(): Promise<Record<string, unknown>> {
  const cosmos = await CosmosHarness.start({ env: { COSMOS_GPU_SIMULATED_DURATION_MS: String(MODEL_MS) } });
  try {
    const promptId = await createTestPrompt(cosmos, 'a harbor at golden hour', 'bench');
    const { request, succeeded } = benchJobs(cosmos, promptId, JOB_TIMEOUT_MS);

    // The first job also opens the node's SSH connection and SFTP session.
    await succeeded(await request());
    const sequential: JobTimeline[] = [];
    for (let i = 0; i < SEQUENTIAL_JOBS; i++) sequential.push(await succeeded(await request()));

    await changeQueue(cosmos, 'mutation { pauseQueue(input: { reason: "bench" }) { __typename } }');
    const queued: string[] = [];
    for (let i = 0; i < BACK_TO_BACK_JOBS; i++) queued.push(await request());
    const resumedAt = Date.now();
    await changeQueue(cosmos, 'mutation { resumeQueue(input: {}) { __typename } }');
    const backToBack: JobTimeline[] = [];
    for (const jobId of queued) backToBack.push(await succeeded(jobId));

    return {
      node: 'simulated, in-process (ssh2 server in the service process)',
      modelDurationMs: MODEL_MS,
      sequential: sequentialFigures(sequential),
      backToBack: backToBackFigures(backToBack, resumedAt),
      raw: await benchBareRemoteOperations(join(cosmos.inputsRoot, 'bench', 'color.mp4'), BARE_ITERATIONS),
    };
  } finally {
    await cosmos.stop();
  }
}

/** One job at a time, each requested once the previous one succeeded. */
function sequentialFigures(jobs: readonly JobTimeline[]): Record<string, unknown> {
  const each = (span: (job: JobTimeline) => number) => spread(jobs.map(span));
  return {
    jobs: jobs.length,
    ms: {
      requestToClaim: each((job) => job.claimed - job.queued),
      claimToRunning: each((job) => job.running - job.claimed),
      claimToUploading: each((job) => job.uploading - job.claimed),
      uploadingToRunning: each((job) => job.running - job.uploading),
      runningToDownloading: each((job) => job.downloading - job.running),
      downloadingToSucceeded: each((job) => job.succeeded - job.downloading),
      claimToSucceeded: each((job) => job.succeeded - job.claimed),
      claimToSucceededBeyondModel: each((job) => job.succeeded - job.claimed - MODEL_MS),
    },
  };
}

/** Jobs queued while paused, then released at once: what lies between one container and the next. */
function backToBackFigures(jobs: readonly JobTimeline[], resumedAt: number): Record<string, unknown> {
  const byClaim = [...jobs].sort((a, b) => a.claimed - b.claimed);
  const pairs = byClaim.slice(1).map((next, i) => ({ previous: byClaim[i]!, next }));
  const wallMs = Math.max(...jobs.map((job) => job.succeeded)) - resumedAt;
  const modelMs = jobs.length * MODEL_MS;
  return {
    jobs: jobs.length,
    ms: {
      claimAfterPreviousSucceeded: spread(pairs.map(({ previous, next }) => next.claimed - previous.succeeded)),
      gpuIdleBetweenContainers: spread(pairs.map(({ previous, next }) => next.running - previous.downloading)),
    },
    // Issue 13's goal for the gap above, with staging and GPUs freed at container exit.
    gpuIdleGoalP50Ms: 50,
    wallMs,
    modelMs,
    modelShareOfWall: round(modelMs / wallMs, 3),
  };
}

/** Pauses or resumes the queue, or throws saying why not. */
export async function changeQueue(cosmos: CosmosHarness, mutation: string): Promise<void> {
  const { data, errors } = await cosmos.gql(mutation);
  const answer = data && Object.values(data)[0];
  if (errors || answer?.__typename !== 'QueueChanged') throw new Error(`${mutation}: ${JSON.stringify(errors ?? data)}`);
}
