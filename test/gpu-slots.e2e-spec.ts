import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { createTestPrompt, finished, gpuSpan, requestInference, waitForJob } from '../apps/server/testing/job-flows.js';
import { H100 } from '../libs/gpu-sim/src/index.js';
import { startTestGpuNode, type TestGpuNode } from '../libs/testing/src/nodes/index.js';

interface SlotJob {
  id: string;
  status: string;
  attempts: number;
  numGpus: number;
  gpus: number[];
  claimedAt: string;
  finishedAt: string;
  containerName: string;
  failure: { reason: string; message: string } | null;
}

/**
 * A four-GPU simulated host that configures no GPUs: the worker finds them with nvidia-smi and
 * runs one job per free GPU. The simulated model runs out of memory on a GPU another container
 * holds, so two jobs sharing a GPU would fail here as on a real board.
 */
describe('GPU slots: a node runs as many jobs at once as it has free GPUs', () => {
  let gpu: TestGpuNode;
  let cosmos: CosmosHarness;
  let prompt: string;
  const wait = (jobIds: readonly string[], timeoutMs = 30_000) => Promise.all(jobIds.map((id) => waitForJob(cosmos, id, finished, timeoutMs) as Promise<SlotJob>));
  const queue = (count: number, input: Record<string, unknown> = {}) => Promise.all(Array.from({ length: count }, () => requestInference(cosmos, { promptIds: [prompt], ...input })));

  beforeAll(async () => {
    gpu = await startTestGpuNode('gpu-quad', { durationMs: 1200, gpus: [H100, H100, H100, H100] });
    cosmos = await CosmosHarness.start({ toml: `${gpu.toml}\n[jobs]\npoll_interval_ms = 200\n` });
    prompt = await createTestPrompt(cosmos, 'four lanes of traffic at night', 'traffic');
  });

  afterEach(() => {
    gpu.behaviour.durationMs = 1200;
  });

  afterAll(async () => {
    await cosmos?.stop();
    await gpu?.stop();
  });

  it('runs one-GPU jobs four at a time, each on a GPU of its own, and shows the GPUs the node found', async () => {
    const jobs = await wait(await queue(8));
    expect(jobs.map((job) => [job.status, job.numGpus, job.gpus.length, job.failure?.message ?? null])).toEqual(jobs.map(() => ['succeeded', 1, 1, null]));
    // At each claim, the jobs holding GPUs then (claimed, container not yet exited) hold distinct ones, never more than four.
    const spans = await Promise.all(jobs.map((job) => gpuSpan(cosmos, job.id)));
    let peak = 0;
    for (const span of spans) {
      const alongside = jobs.filter((_, index) => spans[index]!.claimed <= span.claimed && span.claimed < spans[index]!.exited);
      const held = alongside.flatMap((other) => other.gpus);
      expect(new Set(held).size).toBe(held.length);
      peak = Math.max(peak, alongside.length);
    }
    expect(peak).toBe(4);
    const { data } = await cosmos.gql(`{ gpuNodes { name gpus { index } } }`);
    expect(data!.gpuNodes).toEqual([{ name: 'gpu-quad', gpus: [0, 1, 2, 3].map((index) => ({ index })) }]);
  });

  it('gives a job asking for two GPUs two of them, its torchrun two processes, and refuses a count the model is not run with', async () => {
    const [job] = await wait([await requestInference(cosmos, { promptIds: [prompt], numGpus: 2 })]);
    expect(job).toMatchObject({ status: 'succeeded', numGpus: 2 });
    expect(job!.gpus).toHaveLength(2);
    const dry = await cosmos.gql(`mutation { requestInference(input: { promptIds: ["${prompt}"], numGpus: 4, dryRun: true }) { ... on DryRun { command } } }`);
    const command = dry.data!.requestInference.command as string[];
    expect([command[command.indexOf('--nproc_per_node') + 1], command[command.indexOf('--num_gpus') + 1]]).toEqual(['4', '4']);
    const refused = await cosmos.gql(`mutation { requestInference(input: { promptIds: ["${prompt}"], numGpus: 3 }) { __typename ... on InvalidInput { fields { field problem } } } }`);
    expect(refused.data!.requestInference).toEqual({ __typename: 'InvalidInput', fields: [{ field: 'input.numGpus', problem: 'must be one of 1, 2, 4, 8 (got 3)' }] });
  });

  it('says why a job asking for more GPUs than any node has waits, from the GPUs the worker recorded', async () => {
    const jobId = await requestInference(cosmos, { promptIds: [prompt], numGpus: 8 });
    const { data } = await cosmos.gql(`query($id: String!) { job(id: $id) { status waitingFor } }`, { id: jobId });
    expect(data!.job).toEqual({ status: 'queued', waitingFor: 'No GPU node has 8 GPUs (gpu-quad has 4): it waits until one does; retry it asking for fewer (numGpus).' });
    await cosmos.gql(`mutation { cancelJob(input: { jobId: "${jobId}", reason: "too big" }) { __typename } }`);
  });

  it('keeps a four-GPU job from starving behind one-GPU jobs queued after it', async () => {
    gpu.behaviour.durationMs = 1500;
    const first = await queue(3);
    await Promise.all(first.map((id) => waitForJob(cosmos, id, (job) => job.status !== 'queued')));
    const big = await requestInference(cosmos, { promptIds: [prompt], numGpus: 4 });
    const after = await queue(3);
    const [bigJob, ...later] = await wait([big, ...after]);
    expect(bigJob).toMatchObject({ status: 'succeeded', gpus: [0, 1, 2, 3] });
    // The GPU left free while the first three ran waited for the big job instead of taking a later one.
    const bigSpan = await gpuSpan(cosmos, big);
    for (const job of later) expect(Date.parse(job.claimedAt)).toBeGreaterThanOrEqual(bigSpan.exited);
    await wait(first);
  });

  it('re-attaches every running container after a restart, each keeping its GPUs, and records each end once', async () => {
    gpu.behaviour.durationMs = 3000;
    const jobIds = await queue(3);
    const running = await Promise.all(jobIds.map((id) => waitForJob(cosmos, id, (job) => job.stage === 'running') as Promise<SlotJob>));
    await cosmos.restart();
    const done = await wait(jobIds);
    for (const [index, job] of done.entries()) {
      expect(job).toMatchObject({ status: 'succeeded', attempts: 1, containerName: running[index]!.containerName, gpus: running[index]!.gpus });
    }
    expect(new Set(done.flatMap((job) => job.gpus)).size).toBe(3);
  });
});
