import { join } from 'node:path';
import { ids, jobDecider, jobStream } from '../libs/domain/src/index.js';
import { makeTestVideo } from '../libs/media/src/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { queuedPromptOf } from '../libs/testing/src/index.js';

const JOB_FIELDS = 'id kind status runIds promptIds priority idempotencyKey retryOf retriedAs';
const REQUEST = `mutation($input: RequestInferenceInput!) {
  requestInference(input: $input) {
    __typename
    ... on JobRequested { accepted { consistent } job { ${JOB_FIELDS} } runs { id jobId kind modelType status promptId config } }
    ... on DryRun { specs { path content } command runIds }
    ... on UserError { code message }
    ... on InvalidInput { fields { field problem } }
    ... on IdempotencyKeyReused { key jobId differences }
  }
}`;
const CANCEL = `mutation($input: CancelJobInput!) {
  cancelJob(input: $input) { __typename ... on JobCancellationAccepted { job { id status cancellation { by reason } } } ... on UserError { code message } }
}`;
const PRIORITY = `mutation($input: SetJobPriorityInput!) {
  setJobPriority(input: $input) { __typename ... on JobPriorityChanged { job { id priority } } ... on UserError { code message } ... on InvalidInput { fields { field } } }
}`;
const RETRY = `mutation($input: RetryJobInput!) {
  retryJob(input: $input) { __typename ... on JobRequested { job { ${JOB_FIELDS} } runs { id jobId status promptId config } } ... on UserError { code message } }
}`;
const JOB = `query($id: String!) { job(id: $id) { id status retriedAs runs { id status } } }`;

describe('requests and queue commands over GraphQL', () => {
  let cosmos: CosmosHarness;
  let city: string;
  let plain: string;

  const request = async (input: Record<string, unknown>) => {
    const { data, errors } = await cosmos.gql(REQUEST, { input });
    expect(errors).toBeUndefined();
    return data!.requestInference;
  };
  const counts = async () => {
    const { data } = await cosmos.gql(`{ jobs { totalCount } runs { totalCount } }`);
    return { jobs: data!.jobs.totalCount as number, runs: data!.runs.totalCount as number };
  };
  const createPrompt = async (text: string, videoDir: string) => {
    const { data } = await cosmos.gql(`mutation($input: CreatePromptInput!) { createPrompt(input: $input) { ... on PromptCreated { prompt { id } } } }`, {
      input: { text, videoDir },
    });
    return data!.createPrompt.prompt.id as string;
  };
  const mutate = async (query: string, name: string, input: Record<string, unknown>) => {
    const { data, errors } = await cosmos.gql(query, { input });
    expect(errors).toBeUndefined();
    return data![name];
  };

  beforeAll(async () => {
    // No GPU node: jobs stay queued, which is the state these tests look at.
    cosmos = await CosmosHarness.start({ env: { COSMOS_GPU_SIMULATED: 'false' } });
    await makeTestVideo(join(cosmos.inputsRoot, 'city', 'color.mp4'), { frames: 12 });
    await makeTestVideo(join(cosmos.inputsRoot, 'city', 'depth.mp4'), { frames: 12 });
    await makeTestVideo(join(cosmos.inputsRoot, 'plain', 'color.mp4'), { frames: 12 });
    city = await createPrompt('a city at night, "neon" $(rm -rf /)', 'city');
    plain = await createPrompt('a plain road', 'plain');
  });

  afterAll(async () => {
    await cosmos?.stop();
  });

  it('queues one prompt as an inference job with one pending run holding the full config', async () => {
    const answer = await request({ promptIds: [city], numSteps: 20, weights: { vis: 0, edge: 0.6 }, priority: 70 });
    expect(answer.__typename).toBe('JobRequested');
    expect(answer.accepted.consistent).toBe(true);
    expect(answer.job).toMatchObject({ kind: 'inference', status: 'queued', priority: 70, promptIds: [city], retryOf: null });
    expect(answer.runs).toHaveLength(1);
    expect(answer.runs[0]).toMatchObject({ id: answer.job.runIds[0], jobId: answer.job.id, kind: 'inference', modelType: 'transfer', status: 'pending' });
    expect(answer.runs[0].config).toEqual({
      weights: { vis: 0, edge: 0.6, depth: 0.25, seg: 0.25 },
      numSteps: 20,
      guidance: 5,
      seed: 1,
      fps: 24,
      sigmaMax: 70,
      blurStrength: 'medium',
      cannyThreshold: 'medium',
    });
  });

  it('queues several prompts as one batch_inference job with a run per prompt, in order', async () => {
    const answer = await request({ promptIds: [city, plain], seed: 7, guidance: 8 });
    expect(answer.__typename).toBe('JobRequested');
    expect(answer.job).toMatchObject({ kind: 'batch_inference', status: 'queued', priority: 50, promptIds: [city, plain] });
    expect(answer.runs.map((run: any) => [run.id, run.promptId, run.jobId])).toEqual([
      [answer.job.runIds[0], city, answer.job.id],
      [answer.job.runIds[1], plain, answer.job.id],
    ]);
    expect(answer.runs.every((run: any) => run.config.seed === 7 && run.config.guidance === 8)).toBe(true);
  });

  it.each([
    ['numSteps 0', { numSteps: 0 }, 'input.numSteps'],
    ['numSteps 101', { numSteps: 101 }, 'input.numSteps'],
    ['a weight of 1.5', { weights: { edge: 1.5 } }, 'input.weights.edge'],
    ['every control off', { weights: { vis: 0, edge: 0, depth: 0, seg: 0 } }, 'input.weights'],
    ['a bad idempotency key', { idempotencyKey: 'has spaces/and slashes' }, 'input.idempotencyKey'],
    ['priority 101', { priority: 101 }, 'input.priority'],
    ['priority -1', { priority: -1 }, 'input.priority'],
    ['no prompts', { promptIds: [] }, 'input.promptIds'],
  ])('refuses %s with InvalidInput and writes nothing', async (_, input, field) => {
    const before = await counts();
    const answer = await request({ promptIds: [city], idempotencyKey: `bad-${field}`, ...input });
    expect(answer.__typename).toBe('InvalidInput');
    expect(answer.fields.map((f: { field: string }) => f.field)).toContain(field);
    expect(await counts()).toEqual(before);
  });

  it('reports every problem at once', async () => {
    const answer = await request({ promptIds: [city], numSteps: 0, guidance: 30, priority: 500 });
    expect(answer.fields.map((f: { field: string }) => f.field).sort()).toEqual(['input.guidance', 'input.numSteps', 'input.priority']);
  });

  it('answers NotFound for an unknown prompt and writes nothing, even with a key', async () => {
    const before = await counts();
    const answer = await request({ promptIds: [city, ids.prompt()], idempotencyKey: 'unknown-prompt' });
    expect(answer).toMatchObject({ __typename: 'NotFound', code: 'NOT_FOUND' });
    expect(await counts()).toEqual(before);
    // The key was not reserved by the refused request: it queues now.
    expect((await request({ promptIds: [city], idempotencyKey: 'unknown-prompt' })).__typename).toBe('JobRequested');
  });

  it('gives one job for the same idempotency key twice', async () => {
    const first = await request({ promptIds: [city], idempotencyKey: 'nightly:2024-06-01', seed: 3 });
    const before = await counts();
    const second = await request({ promptIds: [city], idempotencyKey: 'nightly:2024-06-01', seed: 3 });
    expect(second.__typename).toBe('JobRequested');
    expect(second.job.id).toBe(first.job.id);
    expect(second.job.idempotencyKey).toBe('nightly:2024-06-01');
    expect(second.runs.map((run: any) => run.id)).toEqual(first.runs.map((run: any) => run.id));
    expect(await counts()).toEqual(before);
  });

  it('refuses an idempotency key sent again with other parameters, naming what differs, and queues nothing', async () => {
    const first = await request({ promptIds: [city], idempotencyKey: 'reused-key', seed: 3 });
    expect(first.__typename).toBe('JobRequested');
    const before = await counts();
    const changed = await request({ promptIds: [city, plain], idempotencyKey: 'reused-key', seed: 4, priority: 80 });
    expect(changed).toMatchObject({
      __typename: 'IdempotencyKeyReused',
      code: 'IDEMPOTENCY_KEY_REUSED',
      key: 'reused-key',
      jobId: first.job.id,
      differences: ['kind', 'prompts', 'config', 'priority'],
    });
    expect(changed.message).toMatch(/use a new key/);
    expect(await counts()).toEqual(before);
    expect((await request({ promptIds: [city], idempotencyKey: 'reused-key', seed: 3 })).job.id).toBe(first.job.id);
  });

  it('answers a dry run with the exact spec and command, carrying every parameter set, and writes nothing', async () => {
    const before = await counts();
    const set = { numSteps: 12, guidance: 3.5, seed: 42, fps: 16, sigmaMax: 60, blurStrength: 'high', cannyThreshold: 'very_low', weights: { vis: 0.1, edge: 0.2, depth: 0.3, seg: 0 } };
    const single = await request({ promptIds: [city], dryRun: true, idempotencyKey: 'dry', ...set });
    expect(single.__typename).toBe('DryRun');
    expect(single.runIds).toHaveLength(1);
    const spec = JSON.parse(single.specs[0].content);
    expect(spec).toMatchObject({
      prompt: 'a city at night, "neon" $(rm -rf /)',
      num_steps: 12,
      guidance: 3.5,
      seed: 42,
      fps: 16,
      sigma_max: 60,
      blur_strength: 'high',
      canny_threshold: 'very_low',
      vis: { control_weight: 0.1 },
      edge: { control_weight: 0.2 },
      depth: { control_weight: 0.3 },
    });
    expect(spec.seg).toBeUndefined();
    expect(single.specs[0].path).toContain(single.runIds[0]);
    expect(single.command.join(' ')).toContain(single.specs[0].path);
    expect(single.command.join(' ')).not.toContain('rm -rf');

    const batch = await request({ promptIds: [city, plain], dryRun: true, ...set });
    expect(batch.__typename).toBe('DryRun');
    const text = batch.specs.map((file: any) => file.content).join('\n');
    expect(text).toContain('a plain road');
    expect(batch.command).toEqual(expect.arrayContaining(['12', '3.5', '42', '16', '60', 'high', 'very_low']));
    expect(await counts()).toEqual(before);
    // The dry run reserved nothing either.
    expect((await request({ promptIds: [city], idempotencyKey: 'dry' })).__typename).toBe('JobRequested');
  });

  it('cancels a queued job together with its runs, and refuses cancelling a finished one', async () => {
    const { job } = await request({ promptIds: [city, plain] });
    const answer = await mutate(CANCEL, 'cancelJob', { jobId: job.id, reason: 'wrong prompt' });
    expect(answer).toMatchObject({ __typename: 'JobCancellationAccepted', job: { id: job.id, status: 'cancelled', cancellation: { reason: 'wrong prompt' } } });
    const { data } = await cosmos.gql(JOB, { id: job.id });
    expect(data!.job.runs.map((run: any) => run.status)).toEqual(['cancelled', 'cancelled']);

    const done = ids.job();
    await cosmos.execute(jobDecider, jobStream(done), {
      type: 'QueueJob', jobId: done, kind: 'inference', runIds: [ids.run()], promptIds: [city], config: {}, prompts: { [city]: queuedPromptOf(city) }, upscale: null, priority: 50, idempotencyKey: null, retryOf: null, now: new Date().toISOString(), actor: 'ana',
    });
    await cosmos.execute(jobDecider, jobStream(done), { type: 'ClaimJob', jobId: done, node: 'gpu-1', attempt: 1, now: new Date().toISOString() });
    await cosmos.execute(jobDecider, jobStream(done), { type: 'SucceedJob', jobId: done, now: new Date().toISOString() });
    expect(await mutate(CANCEL, 'cancelJob', { jobId: done, reason: 'late' })).toMatchObject({ __typename: 'Conflict', code: 'JOB_NOT_ACTIVE' });
    expect(await mutate(CANCEL, 'cancelJob', { jobId: ids.job(), reason: 'x' })).toMatchObject({ __typename: 'NotFound' });
  });

  it('changes a queued job priority, which reorders the queue', async () => {
    const low = (await request({ promptIds: [plain], priority: 1 })).job.id;
    const queueIds = async () => ((await cosmos.gql(`{ queue { items { job { id } } } }`)).data!.queue.items as any[]).map((item) => item.job.id);
    const before = await queueIds();
    expect(before[before.length - 1]).toBe(low);

    expect(await mutate(PRIORITY, 'setJobPriority', { jobId: low, priority: 100 })).toMatchObject({ __typename: 'JobPriorityChanged', job: { id: low, priority: 100 } });
    expect((await queueIds())[0]).toBe(low);

    const refused = await mutate(PRIORITY, 'setJobPriority', { jobId: low, priority: 101 });
    expect(refused.__typename).toBe('InvalidInput');
    expect(refused.fields.map((f: any) => f.field)).toEqual(['input.priority']);
    expect(await mutate(PRIORITY, 'setJobPriority', { jobId: ids.job(), priority: 5 })).toMatchObject({ __typename: 'NotFound' });
  });

  it('retries a cancelled job as a new linked job with fresh runs of the same prompts and configs', async () => {
    const old = await request({ promptIds: [city, plain], numSteps: 9 });
    await mutate(CANCEL, 'cancelJob', { jobId: old.job.id, reason: 'try later' });

    const retried = await mutate(RETRY, 'retryJob', { jobId: old.job.id });
    expect(retried.__typename).toBe('JobRequested');
    expect(retried.job).toMatchObject({ kind: 'batch_inference', status: 'queued', retryOf: old.job.id, promptIds: [city, plain] });
    expect(retried.job.id).not.toBe(old.job.id);
    expect(retried.runs.map((run: any) => run.promptId)).toEqual([city, plain]);
    expect(retried.runs.every((run: any) => run.status === 'pending' && run.config.numSteps === 9 && !old.job.runIds.includes(run.id))).toBe(true);
    expect((await cosmos.gql(JOB, { id: old.job.id })).data!.job.retriedAs).toBe(retried.job.id);

    // Asking again answers the same copy instead of queueing a second one.
    const before = await counts();
    expect((await mutate(RETRY, 'retryJob', { jobId: old.job.id })).job.id).toBe(retried.job.id);
    expect(await counts()).toEqual(before);
  });

  it('refuses retrying a queued job or an unknown one, writing nothing', async () => {
    const { job } = await request({ promptIds: [plain] });
    const before = await counts();
    expect(await mutate(RETRY, 'retryJob', { jobId: job.id })).toMatchObject({ __typename: 'Conflict', code: 'JOB_NOT_RETRYABLE' });
    expect(await mutate(RETRY, 'retryJob', { jobId: ids.job() })).toMatchObject({ __typename: 'NotFound' });
    expect(await counts()).toEqual(before);
  });
});
