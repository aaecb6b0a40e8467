import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { createTestPrompt } from '../apps/server/testing/job-flows.js';
import { H100 } from '../libs/gpu-sim/src/index.js';
import { startTestGpuNode } from '../libs/testing/src/nodes/index.js';
import { benchJobs, type JobTimeline } from './job-timeline.js';
import { changeQueue } from './orchestration.bench.js';
import { round, spread } from './samples.js';

const GPUS = 8;
const JOBS = 64;
/** The simulated model's time per job: what would be GPU time. */
const MODEL_MS = 2000;
/** Jobs run alone first, for the time one job takes end to end on this machine. */
const ALONE = 5;
const GOAL_FACTOR = 1.15;

/**
 * 64 one-GPU jobs on an 8-GPU simulated host (a configured node the worker reaches over SSH,
 * GPUs found by nvidia-smi). The ideal is 64 × one job's time / 8: the time of a job run alone on
 * the same node in the same run, so the figure says what the slots lose to running side by side.
 */
export async function benchGpuSlots(): Promise<Record<string, unknown>> {
  const gpu = await startTestGpuNode('gpu-eight', { durationMs: MODEL_MS, gpus: Array.from({ length: GPUS }, () => H100) });
  const cosmos = await CosmosHarness.start({ toml: `${gpu.toml}\n[jobs]\npoll_interval_ms = 200\n` });
  try {
    const promptId = await createTestPrompt(cosmos, 'eight lanes of traffic at night', 'slots');
    const { request, succeeded } = benchJobs(cosmos, promptId, 120_000);

    await succeeded(await request()); // opens the node's connection
    const alone: number[] = [];
    for (let i = 0; i < ALONE; i++) {
      const job = await succeeded(await request());
      alone.push(job.succeeded - job.claimed);
    }
    const jobMs = spread(alone).p50;

    await changeQueue(cosmos, 'mutation { pauseQueue(input: { reason: "bench" }) { __typename } }');
    const queued: string[] = [];
    for (let i = 0; i < JOBS; i++) queued.push(await request());
    const resumedAt = Date.now();
    await changeQueue(cosmos, 'mutation { resumeQueue(input: {}) { __typename } }');
    const jobs: JobTimeline[] = [];
    for (const jobId of queued) jobs.push(await succeeded(jobId));
    const wallMs = Math.max(...jobs.map((job) => job.succeeded)) - resumedAt;
    const idealMs = (JOBS * jobMs) / GPUS;

    return {
      node: `simulated over SSH, ${GPUS} GPUs found by nvidia-smi`,
      jobs: JOBS,
      modelMs: MODEL_MS,
      oneJobAloneMs: spread(alone),
      wallMs,
      idealMs: round(idealMs),
      wallOverIdeal: round(wallMs / idealMs, 3),
      goal: `wall <= ${GOAL_FACTOR} x ideal`,
      met: wallMs <= GOAL_FACTOR * idealMs,
      // The ceiling with nothing but the model: 64 model runs spread over 8 GPUs.
      modelOnlyIdealMs: (JOBS * MODEL_MS) / GPUS,
      mostContainersAtOnce: mostContainersAtOnce(jobs),
      sideBySideMs: {
        claimToSucceeded: spread(jobs.map((job) => job.succeeded - job.claimed)),
        claimToRunning: spread(jobs.map((job) => job.running - job.claimed)),
        runningToDownloading: spread(jobs.map((job) => job.downloading - job.running)),
        downloadingToSucceeded: spread(jobs.map((job) => job.succeeded - job.downloading)),
      },
      claimAfterResumeMs: spread(jobs.map((job) => job.claimed - resumedAt)),
    };
  } finally {
    await cosmos.stop();
    await gpu.stop();
  }
}

/** The most containers running at any one moment (a job's outputs download after its container, beside the next one). */
function mostContainersAtOnce(jobs: readonly JobTimeline[]): number {
  return Math.max(...jobs.map((job) => jobs.filter((other) => other.running <= job.running && job.running < other.downloading).length));
}
