import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { createTestPrompt, finished, requestInference, waitForJob } from '../apps/server/testing/job-flows.js';
import { SIMULATED_REMOTE_DIR } from '../libs/gpu-sim/src/index.js';
import { eventually } from '../libs/testing/src/index.js';
import { startTestGpuNode, type TestGpuNode } from '../libs/testing/src/nodes/index.js';

const CANCEL = `mutation($input: CancelJobInput!) { cancelJob(input: $input) { __typename } }`;

/**
 * One GPU: while a job runs, the next queued job's input video is uploaded ahead, its claim does
 * not send it again, and a job cancelled while staged leaves nothing on the node.
 */
describe('staging: the next job is uploaded while one runs', () => {
  let gpu: TestGpuNode;
  let cosmos: CosmosHarness;
  let prompt: string;
  const stagedVideo = (runId: string) => join(gpu.node.root, SIMULATED_REMOTE_DIR, 'runs', runId, 'inputs', 'color.mp4');
  const runIdOf = async (jobId: string) => ((await waitForJob(cosmos, jobId, () => true)) as { runs: { id: string }[] }).runs[0]!.id;

  beforeAll(async () => {
    gpu = await startTestGpuNode('gpu-one', { durationMs: 2500 });
    cosmos = await CosmosHarness.start({ toml: `${gpu.toml}\n[jobs]\npoll_interval_ms = 200\n` });
    prompt = await createTestPrompt(cosmos, 'a ferry leaving the harbour', 'ferry');
  });

  afterAll(async () => {
    await cosmos?.stop();
    await gpu?.stop();
  });

  it('uploads the next job while the first runs, and its claim reuses the file instead of sending it again', async () => {
    const first = await requestInference(cosmos, { promptIds: [prompt], seed: 1 });
    await waitForJob(cosmos, first, (job) => job.stage === 'running');
    const next = await requestInference(cosmos, { promptIds: [prompt], seed: 2 });
    const runId = await runIdOf(next);
    await eventually(() => expect(existsSync(stagedVideo(runId))).toBe(true), 10_000);
    expect((await waitForJob(cosmos, next, () => true)).status).toBe('queued');
    const stagedAt = statSync(stagedVideo(runId)).mtimeMs;

    const [a, b] = await Promise.all([waitForJob(cosmos, first, finished, 30_000), waitForJob(cosmos, next, finished, 30_000)]);
    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    expect(statSync(stagedVideo(runId)).mtimeMs).toBe(stagedAt);
  }, 60_000);

  it('stops staging a job that is cancelled and removes what it had sent; the job after it is staged instead', async () => {
    gpu.behaviour.outcome = { kind: 'hang' };
    const running = await requestInference(cosmos, { promptIds: [prompt], seed: 3 });
    await waitForJob(cosmos, running, (job) => job.stage === 'running');
    gpu.behaviour.outcome = { kind: 'succeed' };
    const doomed = await requestInference(cosmos, { promptIds: [prompt], seed: 4 });
    const doomedRun = await runIdOf(doomed);
    await eventually(() => expect(existsSync(stagedVideo(doomedRun))).toBe(true), 10_000);
    const after = await requestInference(cosmos, { promptIds: [prompt], seed: 5 });
    const afterRun = await runIdOf(after);

    expect((await cosmos.gql(CANCEL, { input: { jobId: doomed, reason: 'not this one' } })).data!.cancelJob.__typename).toBe('JobCancellationAccepted');
    await eventually(() => expect([existsSync(stagedVideo(doomedRun)), existsSync(stagedVideo(afterRun))]).toEqual([false, true]), 10_000);

    await cosmos.gql(CANCEL, { input: { jobId: running, reason: 'end the hang' } });
    expect((await waitForJob(cosmos, after, finished, 30_000)).status).toBe('succeeded');
    expect(existsSync(stagedVideo(doomedRun))).toBe(false);
  }, 60_000);
});
