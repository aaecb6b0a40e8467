import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ids, type OutputFile, promptDecider, promptStream, runDecider, runStream } from '../libs/domain/src/index.js';
import { makeTestVideo } from '../libs/media/src/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';

const CREATE = `mutation($input: CreatePromptInput!) {
  createPrompt(input: $input) {
    __typename
    ... on PromptCreated { accepted { consistent } prompt { id name text negativePrompt modelType enhanced
      inputs { videoDir color { path frames fps width height codec } depth { frames } segmentation { frames } } } }
    ... on InvalidInput { code fields { field problem } }
  }
}`;
const RATE = `mutation($input: RateRunInput!) {
  rateRun(input: $input) { __typename ... on RunRated { run { id rating revision } } ... on UserError { code message } ... on InvalidInput { fields { field } } }
}`;

describe('prompts and runs over GraphQL', () => {
  let cosmos: CosmosHarness;
  let outside: string;

  const create = (input: Record<string, unknown>) => cosmos.gql(CREATE, { input });
  const promptCount = async () => (await cosmos.gql(`{ prompts { totalCount } }`)).data!.prompts.totalCount as number;

  beforeAll(async () => {
    cosmos = await CosmosHarness.start();
    const inputs = cosmos.inputsRoot;
    await makeTestVideo(join(inputs, 'city', 'color.mp4'), { frames: 24 });
    await makeTestVideo(join(inputs, 'city', 'depth.mp4'), { frames: 24 });
    await makeTestVideo(join(inputs, 'plain', 'color.mp4'), { frames: 12 });
    await makeTestVideo(join(inputs, 'short-depth', 'color.mp4'), { frames: 24 });
    await makeTestVideo(join(inputs, 'short-depth', 'depth.mp4'), { frames: 12 });
    await makeTestVideo(join(inputs, 'square-seg', 'color.mp4'), { frames: 12 });
    await makeTestVideo(join(inputs, 'square-seg', 'segmentation.mp4'), { frames: 12, width: 180, height: 180 });
    mkdirSync(join(inputs, 'no-color'), { recursive: true });
    writeFileSync(join(inputs, 'no-color', 'depth.mp4'), 'not a video');
    mkdirSync(join(inputs, 'broken'), { recursive: true });
    writeFileSync(join(inputs, 'broken', 'color.mp4'), 'not a video');
    outside = mkdtempSync(join(tmpdir(), 'cosmos-outside-'));
    await makeTestVideo(join(outside, 'color.mp4'), { frames: 12 });
    symlinkSync(outside, join(inputs, 'escape'));
    mkdirSync(join(inputs, 'linked-file'), { recursive: true });
    symlinkSync(join(outside, 'color.mp4'), join(inputs, 'linked-file', 'color.mp4'));
  }, 60_000);

  afterAll(async () => {
    await cosmos?.stop();
    rmSync(outside, { recursive: true, force: true });
  });

  it('creates a prompt with probed inputs, a smart name and the default negative prompt', async () => {
    const { data } = await create({ text: 'A futuristic cyberpunk city at night', videoDir: 'city' });
    expect(data!.createPrompt).toMatchObject({
      __typename: 'PromptCreated',
      accepted: { consistent: true },
      prompt: {
        name: 'futuristic_cyberpunk_city',
        modelType: 'transfer',
        enhanced: false,
        negativePrompt: expect.stringMatching(/^The video captures a game playing/),
        inputs: { videoDir: 'city', color: { path: 'city/color.mp4', frames: 24, fps: 24, width: 320, height: 180, codec: 'h264' }, depth: { frames: 24 }, segmentation: null },
      },
    });
    expect(data!.createPrompt.prompt.id).toMatch(/^ps_[0-9a-f]{32}$/);
  });

  it('removes NUL and control characters but keeps newlines and tabs', async () => {
    const { data } = await create({ text: 'rain\u0000y\tstreet\nat\u0007 dusk', videoDir: 'plain', name: 'rainy', negativePrompt: 'blurry' });
    expect(data!.createPrompt.prompt).toMatchObject({ text: 'rainy\tstreet\nat dusk', name: 'rainy', negativePrompt: 'blurry' });
  });

  it('pushes prompt changes after the read model changed, and deletions as deleted', async () => {
    const changes = cosmos.subscribe<{ promptChanged: { promptId: string; deleted: boolean; prompt: { name: string; revision: number } | null } }>(
      `subscription { promptChanged { promptId deleted prompt { name revision } } }`,
    );
    await changes.listening();
    const created = await create({ text: 'Heavy rain with water puddles', videoDir: 'plain' });
    const promptId = created.data!.createPrompt.prompt.id;
    const [pushed] = await changes.next(1);
    expect(pushed.promptChanged).toEqual({ promptId, deleted: false, prompt: { name: 'heavy_rain_water', revision: 1 } });

    const deleted = await cosmos.gql(`mutation($id: String!) { deletePrompt(input: { promptId: $id }) { __typename } }`, { id: promptId });
    expect(deleted.data!.deletePrompt.__typename).toBe('PromptDeleted');
    const [, gone] = await changes.next(2);
    expect(gone.promptChanged).toEqual({ promptId, deleted: true, prompt: null });
    changes.stop();
  });

  describe('refuses hostile input with a typed error and changes nothing', () => {
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      ['10,001-character text', { text: 'x'.repeat(10_001), videoDir: 'city' }, 'input.text', /10,?000/],
      ['text that is only control characters', { text: '\u0000\u0001\u0002', videoDir: 'city' }, 'input.text', /./],
      ['a ../ path', { text: 'ok', videoDir: '../outside' }, 'input.videoDir', /outside the inputs folder/],
      ['an absolute path elsewhere', { text: 'ok', videoDir: '/etc' }, 'input.videoDir', /outside the inputs folder/],
      ['a symlinked folder pointing out', { text: 'ok', videoDir: 'escape' }, 'input.videoDir', /outside the inputs folder/],
      ['a symlinked color video pointing out', { text: 'ok', videoDir: 'linked-file' }, 'input.videoDir', /outside the inputs folder/],
      ['a folder without color.mp4', { text: 'ok', videoDir: 'no-color' }, 'input.videoDir', /color\.mp4/],
      ['an unreadable color video', { text: 'ok', videoDir: 'broken' }, 'input.videoDir', /color\.mp4/],
      ['a depth video with fewer frames', { text: 'ok', videoDir: 'short-depth' }, 'input.videoDir', /12 frames/],
      ['a segmentation video of another aspect ratio', { text: 'ok', videoDir: 'square-seg' }, 'input.videoDir', /aspect ratio/],
      ['an unknown model type', { text: 'ok', videoDir: 'city', modelType: 'diffusion' }, 'input.modelType', /transfer/],
      ['a name with spaces and slashes', { text: 'ok', videoDir: 'city', name: 'a b/c' }, 'input.name', /./],
    ];

    it.each(cases)('%s', async (_label, input, field, problem) => {
      const before = await promptCount();
      const { data, errors } = await create(input);
      expect(errors).toBeUndefined();
      expect(data!.createPrompt.__typename).toBe('InvalidInput');
      expect(data!.createPrompt.code).toBe('INVALID_INPUT');
      const found = data!.createPrompt.fields.find((f: { field: string }) => f.field === field);
      expect(found?.problem).toMatch(problem);
      expect(await promptCount()).toBe(before);
    });

    it('reports the folder and the text problems together', async () => {
      const { data } = await create({ text: 'x'.repeat(10_001), videoDir: '../nope', modelType: 'bogus' });
      expect(data!.createPrompt.fields.map((f: { field: string }) => f.field).sort()).toEqual(['input.modelType', 'input.text', 'input.videoDir']);
    });
  });

  describe('with runs', () => {
    let promptId: string;
    let completedRun: string;
    let pendingRun: string;
    let upscaleRun: string;

    const output = (runId: string, name: string, kind: OutputFile['kind'] = 'video'): OutputFile => ({
      name,
      path: `run_${runId}/${name}`,
      sizeBytes: 1000,
      sha256: 'a'.repeat(64),
      kind,
    });

    const request = async (kind: 'inference' | 'upscale', sourceRunId: string | null = null) => {
      const runId = ids.run();
      await cosmos.execute(runDecider, runStream(runId), {
        type: 'RequestRun',
        runId,
        promptId,
        jobId: ids.job(),
        kind,
        modelType: kind === 'upscale' ? 'upscale' : 'transfer',
        config: kind === 'upscale' ? { controlWeight: 0.5 } : { weights: { vis: 0.25, edge: 0.25, depth: 0.25, seg: 0.25 }, numSteps: 35 },
        sourceRunId,
        sourceVideo: null,
        now: new Date().toISOString(),
        actor: 'ana',
      });
      return runId;
    };

    const complete = async (runId: string) => {
      const now = new Date().toISOString();
      await cosmos.execute(runDecider, runStream(runId), { type: 'ChangeRunStatus', runId, status: 'running', node: 'simulated', now });
      await cosmos.execute(runDecider, runStream(runId), { type: 'CompleteRun', runId, outputs: [output(runId, 'output.mp4')], enhancedText: null, now });
    };

    beforeAll(async () => {
      promptId = (await create({ text: 'Golden hour light creating long shadows', videoDir: 'city' })).data!.createPrompt.prompt.id;
      completedRun = await request('inference');
      await complete(completedRun);
      pendingRun = await request('inference');
      upscaleRun = await request('upscale', completedRun);
      await complete(upscaleRun);
    });

    it('shows a prompt with its runs and statistics', async () => {
      await cosmos.gql(RATE, { input: { runId: completedRun, rating: 4 } });
      await cosmos.gql(RATE, { input: { runId: upscaleRun, rating: 5 } });
      const { data } = await cosmos.gql(`query($id: String!) { prompt(id: $id) {
        name runs { id status kind } statistics { completed { inference upscale enhance total } averageRating averageRatingText totalRuns activeRuns } } }`, { id: promptId });
      expect(data!.prompt.name).toBe('golden_hour_light');
      expect(data!.prompt.runs.map((r: { id: string }) => r.id).sort()).toEqual([completedRun, pendingRun, upscaleRun].sort());
      expect(data!.prompt.statistics).toEqual({
        completed: { inference: 1, upscale: 1, enhance: 0, total: 2 },
        averageRating: 4.5,
        averageRatingText: '4.5/5 (2 runs)',
        totalRuns: 3,
        activeRuns: 1,
      });
    });

    it('shows a run with its config, outputs served over HTTP, log location and upscale links', async () => {
      const { data } = await cosmos.gql(`query($id: String!) { run(id: $id) {
        id status kind config durationSeconds logPath logUrl outputs { name path url kind } upscales { id } sourceRun { id } prompt { id } } }`, { id: completedRun });
      expect(data!.run).toMatchObject({
        status: 'completed',
        kind: 'inference',
        config: { weights: { vis: 0.25, edge: 0.25, depth: 0.25, seg: 0.25 }, numSteps: 35 },
        logPath: `run_${completedRun}/execution.log`,
        logUrl: `/outputs/run_${completedRun}/execution.log`,
        outputs: [{ name: 'output.mp4', path: `run_${completedRun}/output.mp4`, url: `/outputs/run_${completedRun}/output.mp4`, kind: 'video' }],
        upscales: [{ id: upscaleRun }],
        sourceRun: null,
        prompt: { id: promptId },
      });
      expect(data!.run.durationSeconds).toBeGreaterThanOrEqual(0);
      const upscale = await cosmos.gql(`query($id: String!) { run(id: $id) { sourceRun { id } } }`, { id: upscaleRun });
      expect(upscale.data!.run.sourceRun).toEqual({ id: completedRun });
    });

    it('filters runs by status, rating, upscaled and prompt text', async () => {
      const runIds = async (filter: Record<string, unknown>) =>
        ((await cosmos.gql(`query($f: RunFilterInput) { runs(filter: $f) { totalCount edges { node { id } } } }`, { f: filter })).data!.runs.edges as { node: { id: string } }[])
          .map((e) => e.node.id)
          .sort();
      expect(await runIds({ statuses: ['pending'] })).toEqual([pendingRun]);
      expect(await runIds({ rating: { exactly: 4 } })).toEqual([completedRun]);
      expect(await runIds({ rating: { atLeast: 4 }, promptIds: [promptId] })).toEqual([completedRun, upscaleRun].sort());
      expect(await runIds({ rating: { unrated: true }, promptIds: [promptId] })).toEqual([pendingRun]);
      expect(await runIds({ upscaled: true })).toEqual([completedRun]);
      expect(await runIds({ text: 'GOLDEN HOUR' })).toEqual([completedRun, pendingRun, upscaleRun].sort());
      expect(await runIds({ text: completedRun.slice(3, 15) })).toEqual([completedRun]);
      expect(await runIds({ kinds: ['upscale'] })).toEqual([upscaleRun]);
    });

    it('rates completed runs only, 1..5 or null, with typed errors', async () => {
      expect((await cosmos.gql(RATE, { input: { runId: completedRun, rating: 6 } })).data!.rateRun).toMatchObject({ __typename: 'InvalidInput', fields: [{ field: 'input.rating' }] });
      expect((await cosmos.gql(RATE, { input: { runId: pendingRun, rating: 3 } })).data!.rateRun).toMatchObject({ __typename: 'RunNotCompleted' });
      expect((await cosmos.gql(RATE, { input: { runId: ids.run(), rating: 3 } })).data!.rateRun).toMatchObject({ __typename: 'NotFound' });
      const cleared = await cosmos.gql(RATE, { input: { runId: upscaleRun, rating: null } });
      expect(cleared.data!.rateRun).toMatchObject({ __typename: 'RunRated', run: { id: upscaleRun, rating: null } });
      expect((await cosmos.gql(`query($id: String!) { run(id: $id) { rating } }`, { id: completedRun })).data!.run.rating).toBe(4);
    });

    it('pushes run updates with their revision after the read model changed', async () => {
      const updates = cosmos.subscribe<{ runUpdated: { runId: string; run: { rating: number; revision: number } } }>(
        `subscription { runUpdated(id: "${completedRun}") { runId deleted run { rating revision } } }`,
      );
      await updates.listening();
      const before = (await cosmos.gql(`query($id: String!) { run(id: $id) { revision } }`, { id: completedRun })).data!.run.revision;
      await cosmos.gql(RATE, { input: { runId: completedRun, rating: 2 } });
      const [update] = await updates.next(1);
      expect(update.runUpdated).toMatchObject({ runId: completedRun, run: { rating: 2, revision: before + 1 } });
      updates.stop();
    });

    it('finds prompts by run presence, text (with match spans) and date, a page at a time', async () => {
      const { data } = await cosmos.gql(`{ prompts(filter: { text: "golden" }) { totalCount edges { node { id } matches { field start end } } } }`);
      expect(data!.prompts.totalCount).toBe(1);
      expect(data!.prompts.edges[0]).toEqual({ node: { id: promptId }, matches: [{ field: 'name', start: 0, end: 6 }, { field: 'text', start: 0, end: 6 }] });
      const withRuns = await cosmos.gql(`{ prompts(filter: { runs: some }) { edges { node { id } } } }`);
      expect(withRuns.data!.prompts.edges).toEqual([{ node: { id: promptId } }]);
      const today = await cosmos.gql(`{ prompts(filter: { createdWithin: today, runs: none }) { totalCount } }`);
      expect(today.data!.prompts.totalCount).toBe(2);
      const old = await cosmos.gql(`{ prompts(filter: { createdWithin: older_than_30_days }) { totalCount } }`);
      expect(old.data!.prompts.totalCount).toBe(0);

      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 5; page++) {
        const result: any = await cosmos.gql(`query($after: String) { prompts(first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`, { after });
        seen.push(...result.data.prompts.edges.map((e: { node: { id: string } }) => e.node.id));
        if (!result.data.prompts.pageInfo.hasNextPage) break;
        after = result.data.prompts.pageInfo.endCursor;
      }
      expect(seen).toHaveLength(3);
      expect(new Set(seen).size).toBe(3);
    });

    it('answers a bad page request with an error carrying its code', async () => {
      const { errors } = await cosmos.gql(`{ prompts(first: 500) { totalCount } }`);
      expect(errors?.[0].extensions).toMatchObject({ code: 'INVALID_INPUT' });
      const cursor = await cosmos.gql(`{ runs(after: "not-a-cursor") { totalCount } }`);
      expect(cursor.errors?.[0].extensions).toMatchObject({ code: 'INVALID_INPUT' });
    });

    it('shows the enhancement lineage around a prompt', async () => {
      const enhanceRun = ids.run();
      const childId = ids.prompt();
      const parent = (await cosmos.gql(`query($id: String!) { prompt(id: $id) { inputs { videoDir color { path frames fps width height durationSeconds codec sizeBytes } } } }`, { id: promptId })).data!.prompt;
      await cosmos.execute(promptDecider, promptStream(childId), {
        type: 'CreatePrompt',
        promptId: childId,
        text: 'Golden hour light, long raking shadows across wet asphalt',
        name: 'golden_hour_light_enhanced',
        negativePrompt: null,
        modelType: null,
        inputs: { ...parent.inputs, depth: null, segmentation: null },
        defaultNegativePrompt: 'blurry',
        enhancedFrom: { promptId, runId: enhanceRun, model: 'pixtral' },
        now: new Date().toISOString(),
        actor: 'system:test',
      });
      const { data } = await cosmos.gql(`query($id: String!) { lineage(promptId: $id) { promptId ancestors { id } descendants { id name enhanced } edges { parentPromptId childPromptId runId model } } }`, { id: promptId });
      expect(data!.lineage).toEqual({
        promptId,
        ancestors: [],
        descendants: [{ id: childId, name: 'golden_hour_light_enhanced', enhanced: true }],
        edges: [{ parentPromptId: promptId, childPromptId: childId, runId: enhanceRun, model: 'pixtral' }],
      });
      const child = await cosmos.gql(`query($id: String!) { lineage(promptId: $id) { ancestors { id } } }`, { id: childId });
      expect(child.data!.lineage.ancestors).toEqual([{ id: promptId }]);
      expect((await cosmos.gql(`{ prompts(filter: { enhanced: true }) { totalCount } }`)).data!.prompts.totalCount).toBe(1);
    });
  });
});
