import { ids, jobDecider, jobStream } from '../libs/domain/src/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { createTestPrompt, requestInference } from '../apps/server/testing/job-flows.js';

const CANCEL_JOBS = `mutation($input: CancelJobsInput!) {
  cancelJobs(input: $input) { __typename ... on JobsCancelled { results { jobId outcome message job { status cancelRequested { reason } } } } ... on UserError { code } }
}`;
const CLEAR = `mutation($input: ClearQueueInput) {
  clearQueue(input: $input) {
    __typename
    ... on QueueCleared { cancelledJobIds skippedJobIds }
    ... on ClearNotConfirmed { code message queuedJobIds }
  }
}`;
const STATUS = `query($id: String!) { job(id: $id) { status cancellation { by reason } runs { status } } }`;

// No GPU node: jobs stay queued unless the test claims them itself, as a node would.
describe('cancelling several jobs, and clearing the queue', () => {
  let cosmos: CosmosHarness;
  let prompt: string;

  beforeAll(async () => {
    cosmos = await CosmosHarness.start({ env: { COSMOS_GPU_SIMULATED: 'false' } });
    prompt = await createTestPrompt(cosmos, 'a lighthouse in a storm', 'lighthouse');
  });

  afterAll(async () => {
    await cosmos?.stop();
  });

  const queue = (seed: number) => requestInference(cosmos, { promptIds: [prompt], seed });
  const claim = (jobId: string) => cosmos.execute(jobDecider, jobStream(jobId), { type: 'ClaimJob', jobId, node: 'gpu-a', attempt: 1, now: new Date().toISOString() });

  it('answers each job: cancelled, asked to stop, already ended, or unknown', async () => {
    const [queued, held, ended] = [await queue(1), await queue(2), await queue(3)];
    await claim(held);
    await claim(ended);
    await cosmos.execute(jobDecider, jobStream(ended), { type: 'FailJob', jobId: ended, reason: 'CONTAINER_EXIT', message: 'exit 1', exitCode: 1, now: new Date().toISOString() });
    const unknown = ids.job();

    const { data } = await cosmos.gql(CANCEL_JOBS, { input: { jobIds: [queued, held, ended, unknown, queued], reason: 'wrong prompt' } }, 'ana');
    expect(data!.cancelJobs.results.map((result: { jobId: string; outcome: string }) => [result.jobId, result.outcome])).toEqual([
      [queued, 'CANCELLED'],
      [held, 'CANCEL_REQUESTED'],
      [ended, 'ALREADY_ENDED'],
      [unknown, 'NOT_FOUND'],
    ]);
    expect(data!.cancelJobs.results[1].job).toEqual({ status: 'claimed', cancelRequested: { reason: 'wrong prompt' } });
    expect((await cosmos.gql(STATUS, { id: queued })).data!.job).toEqual({ status: 'cancelled', cancellation: { by: 'ana', reason: 'wrong prompt' }, runs: [{ status: 'cancelled' }] });
    // Asking again is the same cancel, answered as it was.
    const again = (await cosmos.gql(CANCEL_JOBS, { input: { jobIds: [queued] } })).data!.cancelJobs.results;
    expect(again.map((result: { outcome: string }) => result.outcome)).toEqual(['CANCELLED']);
  });

  it('clears only queued jobs, after a confirmation, and leaves a job a node holds running', async () => {
    const [first, second, held] = [await queue(11), await queue(12), await queue(13)];
    await claim(held);

    const preview = (await cosmos.gql(CLEAR, {})).data!.clearQueue;
    expect(preview).toMatchObject({ __typename: 'ClearNotConfirmed', code: 'CLEAR_NOT_CONFIRMED', queuedJobIds: [first, second] });
    expect((await cosmos.gql(STATUS, { id: first })).data!.job.status).toBe('queued');

    const cleared = (await cosmos.gql(CLEAR, { input: { confirm: 'CLEAR QUEUE', reason: 'driver update' } }, 'ben')).data!.clearQueue;
    expect(cleared).toEqual({ __typename: 'QueueCleared', cancelledJobIds: [first, second], skippedJobIds: [] });
    for (const id of [first, second]) expect((await cosmos.gql(STATUS, { id })).data!.job).toMatchObject({ status: 'cancelled', cancellation: { by: 'ben', reason: 'driver update' } });
    expect((await cosmos.gql(STATUS, { id: held })).data!.job.status).toBe('claimed');
    expect((await cosmos.gql(`{ queue { items { job { id } } } }`)).data!.queue.items).toEqual([]);
  });
});
