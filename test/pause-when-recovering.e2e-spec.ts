import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { createTestPrompt, finished, requestInference, waitForJob } from '../apps/server/testing/job-flows.js';
import { startTestGpuNode, type TestGpuNode } from '../libs/testing/src/nodes/index.js';

const QUEUE = `{ queue { paused pausedBy pauseReason items { job { id } } } }`;

describe('jobs.pause_when_recovering', () => {
  let gpu: TestGpuNode;
  let cosmos: CosmosHarness;

  beforeAll(async () => {
    gpu = await startTestGpuNode('gpu-a', { durationMs: 4000 });
    cosmos = await CosmosHarness.start({ toml: `${gpu.toml}\n[jobs]\npoll_interval_ms = 200\npause_when_recovering = true\n` });
  });

  afterAll(async () => {
    await cosmos?.stop();
    await gpu?.stop();
  });

  it('pauses the queue when the worker restarts mid-job, recovers that job, and starts nothing new until resumed', async () => {
    const prompt = await createTestPrompt(cosmos, 'a ferry crossing at night', 'ferry');
    const held = await requestInference(cosmos, { promptIds: [prompt], seed: 1 });
    await waitForJob(cosmos, held, (job) => job.stage === 'running');

    await cosmos.restart();
    const next = await requestInference(cosmos, { promptIds: [prompt], seed: 2 });

    // The container ran on through the restart: re-attached and recorded once.
    expect(await waitForJob(cosmos, held, finished, 30_000)).toMatchObject({ status: 'succeeded', attempts: 1 });
    const queue = (await cosmos.gql(QUEUE)).data!.queue;
    expect(queue).toMatchObject({ paused: true, pausedBy: 'system:worker', items: [{ job: { id: next } }] });
    expect(queue.pauseReason).toContain(held);

    await cosmos.gql(`mutation { resumeQueue(input: {}) { __typename } }`);
    expect(await waitForJob(cosmos, next, finished, 30_000)).toMatchObject({ status: 'succeeded' });
  }, 60_000);

  it('leaves the queue running after a restart with nothing in flight', async () => {
    await cosmos.restart();
    const prompt = await createTestPrompt(cosmos, 'a quiet harbour', 'harbour');
    expect(await waitForJob(cosmos, await requestInference(cosmos, { promptIds: [prompt], seed: 3 }), finished, 30_000)).toMatchObject({ status: 'succeeded' });
    expect((await cosmos.gql(QUEUE)).data!.queue.paused).toBe(false);
  }, 60_000);
});
