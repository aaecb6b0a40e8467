import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ids, runDecider, type RunKind, type RunStatus, runStream } from '../libs/domain/src/index.js';
import { makeTestVideo } from '../libs/media/src/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';

const JOB_FIELDS = 'id kind status runIds promptIds priority idempotencyKey';
const RUN_FIELDS = 'id jobId kind modelType status promptId config sourceRunId sourceVideo';
const UPSCALE = `mutation($input: RequestUpscaleInput!) {
  requestUpscale(input: $input) {
    __typename
    ... on JobRequested { job { ${JOB_FIELDS} } runs { ${RUN_FIELDS} } }
    ... on DryRun { specs { path content } command runIds }
    ... on UserError { code message }
    ... on InvalidInput { fields { field problem } }
  }
}`;

const ENHANCE = `mutation($input: EnhancePromptInput!) {
  enhancePrompt(input: $input) {
    __typename
    ... on JobRequested { job { ${JOB_FIELDS} } runs { ${RUN_FIELDS} } }
    ... on PromptHasRuns { runIds preview { runIds runCount activeRunIds blocked deleteOutputs kept outputs { totalFiles text } } }
    ... on PromptHasActiveRuns { activeRunIds }
    ... on UserError { code message }
    ... on InvalidInput { fields { field problem } }
  }
}`;

describe('requestUpscale and enhancePrompt over GraphQL', () => {
  let cosmos: CosmosHarness;
  let city: string;
  let outside: string;

  const mutate = async (query: string, name: string, input: Record<string, unknown>) => {
    const { data, errors } = await cosmos.gql(query, { input });
    expect(errors).toBeUndefined();
    return data![name];
  };
  const upscale = (input: Record<string, unknown>) => mutate(UPSCALE, 'requestUpscale', input);
  const counts = async () => {
    const { data } = await cosmos.gql(`{ jobs { totalCount } runs { totalCount } prompts { totalCount } }`);
    return { jobs: data!.jobs.totalCount as number, runs: data!.runs.totalCount as number, prompts: data!.prompts.totalCount as number };
  };
  const createPrompt = async (text: string, videoDir: string) => {
    const { data } = await cosmos.gql(`mutation($input: CreatePromptInput!) { createPrompt(input: $input) { ... on PromptCreated { prompt { id } } } }`, {
      input: { text, videoDir },
    });
    return data!.createPrompt.prompt.id as string;
  };

  /** A run as a worker would leave it: a completed inference run records its output video. */
  const seedRun = async (promptId: string, status: 'pending' | 'completed', kind: RunKind = 'inference'): Promise<string> => {
    const runId = ids.run();
    const now = () => new Date().toISOString();
    const modelType = kind === 'inference' ? 'transfer' : kind;
    await cosmos.execute(runDecider, runStream(runId), {
      type: 'RequestRun', runId, promptId, jobId: ids.job(), kind, modelType, config: {}, sourceRunId: null, sourceVideo: null, now: now(), actor: 'ana',
    });
    if (status === 'completed') {
      const outputs = kind === 'enhance' ? [] : [{ name: 'output.mp4', path: `run_${runId}/output.mp4`, sizeBytes: 1, sha256: 'a'.repeat(64), kind: 'video' as const }];
      await cosmos.execute(runDecider, runStream(runId), { type: 'CompleteRun', runId, outputs, enhancedText: kind === 'enhance' ? 'better' : null, now: now() });
    }
    await untilRunIs(runId, status);
    return runId;
  };
  const untilRunIs = async (runId: string, status: RunStatus): Promise<void> => {
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await sleep(10)) {
      const { data } = await cosmos.gql(`query($id: String!) { run(id: $id) { status } }`, { id: runId });
      if (data!.run?.status === status) return;
    }
    throw new Error(`run ${runId} never became ${status}`);
  };

  beforeAll(async () => {
    // No GPU node: jobs stay queued, which is the state these tests look at.
    cosmos = await CosmosHarness.start({ env: { COSMOS_GPU_SIMULATED: 'false' } });
    await makeTestVideo(join(cosmos.inputsRoot, 'city', 'color.mp4'), { frames: 12 });
    mkdirSync(join(cosmos.inputsRoot, 'clips'), { recursive: true });
    writeFileSync(join(cosmos.inputsRoot, 'clips', 'notes.txt'), 'not a video');
    outside = join(cosmos.inputsRoot, '..', 'outside.mp4');
    writeFileSync(outside, 'secret');
    symlinkSync(outside, join(cosmos.inputsRoot, 'clips', 'escape.mp4'));
    city = await createPrompt('a city at night', 'city');
  });

  afterAll(async () => {
    await cosmos?.stop();
  });

  describe('requestUpscale', () => {
    it('queues an upscale job whose one run links to its completed source run, under its prompt', async () => {
      const source = await seedRun(city, 'completed');
      const answer = await upscale({ sourceRunId: source, controlWeight: 0.8, prompt: 'sharper', priority: 60 });
      expect(answer.__typename).toBe('JobRequested');
      expect(answer.job).toMatchObject({ kind: 'upscale', status: 'queued', priority: 60, promptIds: [city] });
      expect(answer.runs).toEqual([
        expect.objectContaining({ kind: 'upscale', modelType: 'upscale', status: 'pending', promptId: city, sourceRunId: source, sourceVideo: null, config: { controlWeight: 0.8, prompt: 'sharper' } }),
      ]);
    });

    it('defaults the control weight to 0.5 and answers one job for one idempotency key', async () => {
      const source = await seedRun(city, 'completed');
      const first = await upscale({ sourceRunId: source, idempotencyKey: 'upscale-once' });
      expect(first.runs[0].config).toEqual({ controlWeight: 0.5, prompt: null });
      const before = await counts();
      const second = await upscale({ sourceRunId: source, idempotencyKey: 'upscale-once' });
      expect(second.job.id).toBe(first.job.id);
      expect(await counts()).toEqual(before);
    });

    it('queues an upscale of a video under the inputs root, under the prompt named', async () => {
      const answer = await upscale({ sourceVideo: 'city/color.mp4', promptId: city });
      expect(answer.__typename).toBe('JobRequested');
      expect(answer.runs[0]).toMatchObject({ kind: 'upscale', promptId: city, sourceRunId: null, sourceVideo: 'city/color.mp4' });
    });

    it('answers a dry run with the upscale spec alone and 10 steps, and writes nothing', async () => {
      const source = await seedRun(city, 'completed');
      const before = await counts();
      const dry = await upscale({ sourceRunId: source, controlWeight: 0.3, prompt: 'crisp "edges" $(rm -rf /)', dryRun: true });
      expect(dry.__typename).toBe('DryRun');
      expect(JSON.parse(dry.specs[0].content)).toEqual({ input_video_path: expect.stringContaining(dry.runIds[0]), upscale: { control_weight: 0.3 }, prompt: 'crisp "edges" $(rm -rf /)' });
      expect(dry.command).toEqual(expect.arrayContaining(['--num_steps', '10']));
      expect(await counts()).toEqual(before);
    });

    it.each([
      ['a control weight of 1.5', { controlWeight: 1.5 }, 'input.controlWeight'],
      ['a negative control weight', { controlWeight: -0.1 }, 'input.controlWeight'],
      ['both sources', { sourceVideo: 'city/color.mp4', promptId: 'PROMPT' }, 'input.sourceRunId'],
      ['priority 101', { priority: 101 }, 'input.priority'],
      ['a bad idempotency key', { idempotencyKey: 'a b/c' }, 'input.idempotencyKey'],
    ])('refuses %s with InvalidInput and writes nothing', async (_, input, field) => {
      const source = await seedRun(city, 'completed');
      const before = await counts();
      const answer = await upscale({ sourceRunId: source, ...input });
      expect(answer.__typename).toBe('InvalidInput');
      expect(answer.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect(await counts()).toEqual(before);
    });

    it.each([
      ['no source', { promptId: 'PROMPT' }, 'input.sourceRunId', /exactly one source/],
      ['a video without its prompt', { sourceVideo: 'city/color.mp4' }, 'input.promptId', /needs the prompt/],
      ['a path out of the inputs root', { sourceVideo: '../outside.mp4', promptId: 'PROMPT' }, 'input.sourceVideo', /outside the inputs folder/],
      ['an absolute path elsewhere', { sourceVideo: '/etc/passwd.mp4', promptId: 'PROMPT' }, 'input.sourceVideo', /outside the inputs folder/],
      ['a symlink out of the inputs root', { sourceVideo: 'clips/escape.mp4', promptId: 'PROMPT' }, 'input.sourceVideo', /links outside/],
      ['a file that is not a video', { sourceVideo: 'clips/notes.txt', promptId: 'PROMPT' }, 'input.sourceVideo', /\.mp4 \.mov \.avi \.mkv/],
      ['a missing video', { sourceVideo: 'clips/none.mov', promptId: 'PROMPT' }, 'input.sourceVideo', /does not exist/],
      ['a folder named like a video', { sourceVideo: 'city', promptId: 'PROMPT' }, 'input.sourceVideo', /must end in/],
    ])('refuses %s and writes nothing', async (_, input, field, problem) => {
      const before = await counts();
      const answer = await upscale(JSON.parse(JSON.stringify(input).replace('PROMPT', city)));
      expect(answer.__typename).toBe('InvalidInput');
      expect(answer.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field, problem: expect.stringMatching(problem) })]));
      expect(answer.message).not.toContain(cosmos.inputsRoot);
      expect(await counts()).toEqual(before);
    });

    it('refuses a run that is not completed, an unknown run, a run without a video, and an unknown prompt', async () => {
      const pending = await seedRun(city, 'pending');
      const enhance = await seedRun(city, 'completed', 'enhance');
      const before = await counts();
      expect(await upscale({ sourceRunId: pending })).toMatchObject({ __typename: 'RunNotCompleted', code: 'RUN_NOT_COMPLETED', message: expect.stringContaining(pending) });
      expect(await upscale({ sourceRunId: ids.run() })).toMatchObject({ __typename: 'NotFound' });
      const noVideo = await upscale({ sourceRunId: enhance });
      expect(noVideo.__typename).toBe('InvalidInput');
      expect(noVideo.fields[0]).toMatchObject({ field: 'input.sourceRunId', problem: expect.stringContaining(enhance) });
      expect(await upscale({ sourceVideo: 'city/color.mp4', promptId: ids.prompt() })).toMatchObject({ __typename: 'NotFound' });
      expect(await counts()).toEqual(before);
    });
  });

  describe('enhancePrompt', () => {
    const enhance = (input: Record<string, unknown>) => mutate(ENHANCE, 'enhancePrompt', input);
    const runOf = async (id: string) => (await cosmos.gql(`query($id: String!) { run(id: $id) { id status } }`, { id })).data!.run;

    it('queues an enhance job with one enhance run recording model and mode, whatever runs the prompt has', async () => {
      const prompt = await createPrompt('a harbour at dawn', 'city');
      await seedRun(prompt, 'completed');
      const answer = await enhance({ promptId: prompt, mode: 'CREATE_NEW', priority: 70 });
      expect(answer.__typename).toBe('JobRequested');
      expect(answer.job).toMatchObject({ kind: 'enhance', status: 'queued', priority: 70, promptIds: [prompt] });
      expect(answer.runs).toEqual([
        expect.objectContaining({ kind: 'enhance', modelType: 'enhance', status: 'pending', promptId: prompt, sourceRunId: null, config: { model: 'pixtral', mode: 'create_new' } }),
      ]);
    });

    it('refuses OVERWRITE while the prompt has runs, listing them with the deletion preview, and changes nothing', async () => {
      const prompt = await createPrompt('a market at noon', 'city');
      const made = await seedRun(prompt, 'completed');
      await seedRun(prompt, 'completed', 'enhance');
      mkdirSync(join(cosmos.outputsRoot, `run_${made}`), { recursive: true });
      writeFileSync(join(cosmos.outputsRoot, `run_${made}`, 'output.mp4'), Buffer.alloc(2048, 1));
      const before = await counts();
      const refused = await enhance({ promptId: prompt, mode: 'OVERWRITE', idempotencyKey: 'overwrite-refused' });
      expect(refused).toMatchObject({ __typename: 'PromptHasRuns', code: 'PROMPT_HAS_RUNS', runIds: [made] });
      expect(refused.message).toContain(made);
      const preview = (await cosmos.gql(`query($id: String!) { deletionPreview(target: { runId: $id }) { runIds runCount activeRunIds blocked deleteOutputs kept outputs { totalFiles text } } }`, { id: made })).data!.deletionPreview;
      expect(refused.preview).toEqual(preview);
      expect(refused.preview).toMatchObject({ runIds: [made], runCount: 1, blocked: false, deleteOutputs: false, outputs: { totalFiles: 1 } });
      expect(await counts()).toEqual(before);
      expect((await runOf(made)).status).toBe('completed');
    });

    it('with force deletes the runs made from the text (keeping their files and the enhancements), then queues', async () => {
      const prompt = await createPrompt('a bridge in fog', 'city');
      const made = await seedRun(prompt, 'completed');
      const earlier = await seedRun(prompt, 'completed', 'enhance');
      mkdirSync(join(cosmos.outputsRoot, `run_${made}`), { recursive: true });
      writeFileSync(join(cosmos.outputsRoot, `run_${made}`, 'output.mp4'), Buffer.alloc(16, 1));
      const answer = await enhance({ promptId: prompt, mode: 'OVERWRITE', force: true, idempotencyKey: 'overwrite-forced' });
      expect(answer.__typename).toBe('JobRequested');
      expect(answer.runs[0]).toMatchObject({ kind: 'enhance', promptId: prompt, config: { model: 'pixtral', mode: 'overwrite' } });
      expect(await runOf(made)).toBeNull();
      expect(await runOf(earlier)).toMatchObject({ status: 'completed' });
      expect(existsSync(join(cosmos.outputsRoot, `run_${made}`, 'output.mp4'))).toBe(true);

      const before = await counts();
      expect((await enhance({ promptId: prompt, mode: 'OVERWRITE', force: true, idempotencyKey: 'overwrite-forced' })).job.id).toBe(answer.job.id);
      expect(await counts()).toEqual(before);
    });

    it('refuses OVERWRITE with force while a run is active, deleting nothing', async () => {
      const prompt = await createPrompt('a train at dusk', 'city');
      const done = await seedRun(prompt, 'completed');
      const pending = await seedRun(prompt, 'pending');
      const before = await counts();
      const refused = await enhance({ promptId: prompt, mode: 'OVERWRITE', force: true });
      expect(refused).toMatchObject({ __typename: 'PromptHasActiveRuns', activeRunIds: [pending] });
      expect(await counts()).toEqual(before);
      expect((await runOf(done)).status).toBe('completed');
    });

    it('queues OVERWRITE at once for a prompt without runs', async () => {
      const prompt = await createPrompt('an empty field', 'city');
      expect((await enhance({ promptId: prompt, mode: 'OVERWRITE' })).__typename).toBe('JobRequested');
    });

    it.each([
      ['another model', { model: 'gpt-4' }, 'input.model'],
      ['priority 101', { priority: 101 }, 'input.priority'],
      ['a bad idempotency key', { idempotencyKey: '../x' }, 'input.idempotencyKey'],
    ])('refuses %s with InvalidInput and writes nothing', async (_, input, field) => {
      const before = await counts();
      const answer = await enhance({ promptId: city, mode: 'CREATE_NEW', ...input });
      expect(answer.__typename).toBe('InvalidInput');
      expect(answer.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect(await counts()).toEqual(before);
    });

    it('answers NotFound for an unknown prompt and refuses an unknown mode, writing nothing', async () => {
      const before = await counts();
      expect(await enhance({ promptId: ids.prompt(), mode: 'OVERWRITE', force: true })).toMatchObject({ __typename: 'NotFound' });
      const { errors } = await cosmos.gql(ENHANCE, { input: { promptId: city, mode: 'APPEND' } });
      expect(errors?.[0]?.message).toMatch(/EnhanceMode/);
      expect(await counts()).toEqual(before);
    });
  });
});
