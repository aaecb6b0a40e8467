import { jobStream } from '../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../libs/eventstore/src/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { createTestPrompt, finished, gpuSpan, requestInference, waitForJob } from '../apps/server/testing/job-flows.js';
import { startTestGpuNode, type TestGpuNode } from '../libs/testing/src/nodes/index.js';

describe('two GPU nodes share one queue', () => {
  let nodes: TestGpuNode[];
  let cosmos: CosmosHarness;

  beforeAll(async () => {
    nodes = [await startTestGpuNode('gpu-a', { durationMs: 400 }), await startTestGpuNode('gpu-b', { durationMs: 400 })];
    cosmos = await CosmosHarness.start({ toml: nodes.map((node) => node.toml).join('\n') });
  });

  afterAll(async () => {
    await cosmos?.stop();
    for (const node of nodes) await node?.stop();
  });

  it('claims each job exactly once, uses both nodes, and never runs two containers on one node at once', async () => {
    const prompt = await createTestPrompt(cosmos, 'two lanes of traffic', 'lanes');
    await cosmos.gql(`mutation { pauseQueue(input: { reason: "fill the queue" }) { __typename } }`);
    const jobIds: string[] = [];
    for (let i = 0; i < 6; i++) jobIds.push(await requestInference(cosmos, { promptIds: [prompt], seed: i + 1 }));
    await cosmos.gql(`mutation { resumeQueue(input: {}) { __typename } }`);
    const jobs = await Promise.all(jobIds.map((id) => waitForJob(cosmos, id, finished, 30_000)));

    expect(jobs.map((job) => job.status)).toEqual(jobIds.map(() => 'succeeded'));
    const events = cosmos.get<EventStore>(EVENT_STORE);
    for (const id of jobIds) {
      const claims = (await events.readStream(jobStream(id))).filter((event) => event.type === 'JobClaimed');
      expect(claims).toHaveLength(1);
    }
    expect(new Set(jobs.map((job) => job.node))).toEqual(new Set(['gpu-a', 'gpu-b']));
    // One GPU each: a node claims its next job only once the last one's container has exited.
    for (const name of ['gpu-a', 'gpu-b']) {
      const spans = (await Promise.all(jobs.filter((job) => job.node === name).map((job) => gpuSpan(cosmos, job.id)))).sort((a, b) => a.claimed - b.claimed);
      for (let i = 1; i < spans.length; i++) expect(spans[i]!.claimed).toBeGreaterThanOrEqual(spans[i - 1]!.exited);
    }
  });
});
