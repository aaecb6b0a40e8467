import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { createTestPrompt, requestInference } from '../apps/server/testing/job-flows.js';

const PRIORITY = `mutation($input: SetJobPriorityInput!) { setJobPriority(input: $input) { __typename } }`;

/** No GPU node and no simulated one: nothing ever claims, so what holds a queued job is all that changes. */
describe('Job.waitingFor', () => {
  let cosmos: CosmosHarness;

  beforeAll(async () => {
    cosmos = await CosmosHarness.start({ env: { COSMOS_GPU_SIMULATED: 'false' } });
  });

  afterAll(async () => {
    await cosmos?.stop();
  });

  it('says there is no node at all, in /readyz and on the job', async () => {
    const jobId = await requestInference(cosmos, { promptIds: [await createTestPrompt(cosmos, 'a quay at noon', 'quay')] });
    const { data } = await cosmos.gql(`query($id: String!) { job(id: $id) { status waitingFor } }`, { id: jobId });
    expect(data!.job).toEqual({ status: 'queued', waitingFor: 'Nothing can run it: no GPU node is configured ([[gpu.nodes]]) and no worker has reported one.' });
    const ready = await (await fetch(`${cosmos.baseUrl}/readyz`)).json();
    expect(ready).toMatchObject({ status: 'ready', gpuNodes: 'none: no GPU node is configured ([[gpu.nodes]]) and no worker has reported one' });
  });

  it('is read afresh for each push of a subscription on one socket', async () => {
    const jobId = await requestInference(cosmos, { promptIds: [await createTestPrompt(cosmos, 'a quay at dusk', 'dusk')] });
    const updates = cosmos.subscribe<{ jobUpdated: { job: { priority: number; waitingFor: string | null } } }>(
      `subscription { jobUpdated(id: "${jobId}") { job { priority waitingFor } } }`,
    );
    await updates.listening();
    await cosmos.gql(`mutation { pauseQueue(input: { reason: "driver update" }) { __typename } }`);
    await cosmos.gql(PRIORITY, { input: { jobId, priority: 60 } });
    const [paused] = await updates.next(1);
    expect(paused!.jobUpdated.job.waitingFor).toMatch(/^The queue is paused \(by e2e at \S+: driver update\); resumeQueue lets nodes claim again\.$/);

    await cosmos.gql(`mutation { resumeQueue { __typename } }`);
    await cosmos.gql(PRIORITY, { input: { jobId, priority: 70 } });
    const pushes = await updates.next(2);
    expect(pushes[1]!.jobUpdated.job).toEqual({ priority: 70, waitingFor: 'Nothing can run it: no GPU node is configured ([[gpu.nodes]]) and no worker has reported one.' });
    updates.stop();
  });
});
