import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ids, promptStream, runDecider, type RunStatus, runStream } from '../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../libs/eventstore/src/index.js';
import { makeTestVideo } from '../libs/media/src/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';

const PREVIEW = `query($target: DeletionTargetInput!, $deleteOutputs: Boolean) {
  deletionPreview(target: $target, deleteOutputs: $deleteOutputs) {
    promptIds promptCount runIds runCount activeRunIds blocked deleteOutputs kept
    outputs { totalFiles totalBytes totalSize text byType { extension count bytes size } }
  }
}`;
const DELETE_PROMPT = `mutation($input: DeletePromptInput!) {
  deletePrompt(input: $input) {
    __typename
    ... on PromptDeleted { promptId runIds deletedFiles deletedBytes accepted { consistent } }
    ... on PromptHasActiveRuns { activeRunIds }
    ... on RevisionConflict { expectedRevision actualRevision }
    ... on UserError { code message }
  }
}`;
const DELETE_RUN = `mutation($input: DeleteRunInput!) {
  deleteRun(input: $input) {
    __typename
    ... on RunDeleted { runId deletedFiles deletedBytes }
    ... on UserError { code message }
  }
}`;
const BULK_RESULT = `__typename
  ... on BulkDeleted { promptIds runIds skipped { id reason } deletedFiles deletedBytes }
  ... on InvalidInput { code fields { field problem } }`;
const DELETE_ALL_PROMPTS = `mutation($input: DeleteAllInput!) { deleteAllPrompts(input: $input) { ${BULK_RESULT} } }`;
const DELETE_ALL_RUNS = `mutation($input: DeleteAllInput!) { deleteAllRuns(input: $input) { ${BULK_RESULT} } }`;

describe('deletion over GraphQL', () => {
  let cosmos: CosmosHarness;
  let history: EventStore;

  const promptIds = async (): Promise<string[]> =>
    ((await cosmos.gql(`{ prompts(first: 200) { edges { node { id } } } }`)).data!.prompts.edges as { node: { id: string } }[]).map((e) => e.node.id).sort();
  const runCount = async (): Promise<number> => (await cosmos.gql(`{ runs { totalCount } }`)).data!.runs.totalCount;
  const runsOf = async (promptId: string): Promise<string[]> =>
    ((await cosmos.gql(`query($id: String!) { runs(filter: { promptIds: [$id] }) { edges { node { id } } } }`, { id: promptId })).data!.runs.edges as { node: { id: string } }[])
      .map((e) => e.node.id)
      .sort();

  const createPrompt = async (text: string): Promise<string> => {
    const { data } = await cosmos.gql(`mutation($input: CreatePromptInput!) { createPrompt(input: $input) { ... on PromptCreated { prompt { id } } } }`, {
      input: { text, videoDir: 'city' },
    });
    return data!.createPrompt.prompt.id;
  };

  /** A run as a worker would leave it; `files` are written under outputs/run_<id>/ with these sizes. */
  const seedRun = async (promptId: string, status: 'pending' | 'completed', files: Record<string, number> = {}): Promise<string> => {
    const runId = ids.run();
    const now = () => new Date().toISOString();
    await cosmos.execute(runDecider, runStream(runId), {
      type: 'RequestRun',
      runId,
      promptId,
      jobId: ids.job(),
      kind: 'inference',
      modelType: 'transfer',
      config: { numSteps: 35 },
      sourceRunId: null,
      sourceVideo: null,
      now: now(),
      actor: 'ana',
    });
    if (status === 'completed') {
      // A completed inference run always records its video, whether or not the test writes it.
      const outputs = Object.entries({ 'output.mp4': 1, ...files }).map(([name, sizeBytes]) => ({
        name,
        path: `run_${runId}/${name}`,
        sizeBytes,
        sha256: 'a'.repeat(64),
        kind: name.endsWith('.mp4') ? ('video' as const) : ('json' as const),
      }));
      await cosmos.execute(runDecider, runStream(runId), { type: 'CompleteRun', runId, outputs, enhancedText: null, now: now() });
    }
    for (const [name, size] of Object.entries(files)) {
      mkdirSync(join(cosmos.outputsRoot, `run_${runId}`), { recursive: true });
      writeFileSync(join(cosmos.outputsRoot, `run_${runId}`, name), Buffer.alloc(size, 7));
    }
    await untilRunIs(runId, status);
    return runId;
  };

  /** harness.execute does not wait for read models; GraphQL mutations do. */
  const untilRunIs = async (runId: string, status: RunStatus): Promise<void> => {
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await sleep(10)) {
      const { data } = await cosmos.gql(`query($id: String!) { run(id: $id) { status } }`, { id: runId });
      if (data!.run?.status === status) return;
    }
    throw new Error(`run ${runId} never became ${status}`);
  };

  const folder = (runId: string) => join(cosmos.outputsRoot, `run_${runId}`);
  const eventTypes = async (streamId: string) => (await history.readStream(streamId)).map((e) => e.type);

  beforeAll(async () => {
    cosmos = await CosmosHarness.start();
    history = cosmos.get<EventStore>(EVENT_STORE);
    await makeTestVideo(join(cosmos.inputsRoot, 'city', 'color.mp4'), { frames: 12 });
  }, 60_000);

  afterAll(async () => {
    await cosmos?.stop();
  });

  describe('a prompt with finished runs and output files', () => {
    let promptId: string;
    let runs: string[];

    beforeAll(async () => {
      promptId = await createPrompt('Golden hour light creating long shadows');
      runs = [await seedRun(promptId, 'completed', { 'output.mp4': 2048 }), await seedRun(promptId, 'completed', { 'output.mp4': 1024, 'spec.json': 512 })];
    });

    it('previews what goes and what stays, files summarised by type', async () => {
      const { data, errors } = await cosmos.gql(PREVIEW, { target: { promptId } });
      expect(errors).toBeUndefined();
      expect(data!.deletionPreview).toEqual({
        promptIds: [promptId],
        promptCount: 1,
        runIds: expect.arrayContaining(runs),
        runCount: 2,
        activeRunIds: [],
        blocked: false,
        deleteOutputs: false,
        kept: 'Output files stay on disk (2 mp4 files (3.0 KB), 1 json file (512.0 B)); deleted items stay in the event history.',
        outputs: {
          totalFiles: 3,
          totalBytes: 3584,
          totalSize: '3.5 KB',
          text: '2 mp4 files (3.0 KB), 1 json file (512.0 B)',
          byType: [
            { extension: 'mp4', count: 2, bytes: 3072, size: '3.0 KB' },
            { extension: 'json', count: 1, bytes: 512, size: '512.0 B' },
          ],
        },
      });
      const deleting = await cosmos.gql(PREVIEW, { target: { promptId }, deleteOutputs: true });
      expect(deleting.data!.deletionPreview).toMatchObject({ deleteOutputs: true, kept: 'Deleted items stay in the event history.' });
      const oneRun = await cosmos.gql(PREVIEW, { target: { runId: runs[0] } });
      expect(oneRun.data!.deletionPreview).toMatchObject({ promptIds: [], runIds: [runs[0]], outputs: { text: '1 mp4 file (2.0 KB)' } });
    });

    it('refuses a target that is not exactly one thing, and an unknown one, with coded errors', async () => {
      for (const target of [{}, { promptId, allRuns: true }, { allPrompts: false }, { runId: runs[0], promptId }]) {
        const { errors } = await cosmos.gql(PREVIEW, { target });
        expect(errors?.[0].extensions).toMatchObject({ code: 'INVALID_INPUT' });
      }
      expect((await cosmos.gql(PREVIEW, { target: { promptId: ids.prompt() } })).errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
      expect((await cosmos.gql(PREVIEW, { target: { runId: ids.run() } })).errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('refuses a stale expectedRevision before deleting anything', async () => {
      const { data } = await cosmos.gql(DELETE_PROMPT, { input: { promptId, expectedRevision: 5 } });
      expect(data!.deletePrompt).toMatchObject({ __typename: 'RevisionConflict', expectedRevision: 5, actualRevision: 0 });
      expect(await runsOf(promptId)).toEqual([...runs].sort());
    });

    it('deletes the prompt and its runs but keeps their files by default; the events stay in history', async () => {
      const { data } = await cosmos.gql(DELETE_PROMPT, { input: { promptId, expectedRevision: 0 } });
      expect(data!.deletePrompt).toEqual({
        __typename: 'PromptDeleted',
        promptId,
        runIds: expect.arrayContaining(runs),
        deletedFiles: 0,
        deletedBytes: 0,
        accepted: { consistent: true },
      });
      expect((await cosmos.gql(`query($id: String!) { prompt(id: $id) { id } }`, { id: promptId })).data!.prompt).toBeNull();
      expect((await cosmos.gql(`query($id: String!) { run(id: $id) { id } }`, { id: runs[0] })).data!.run).toBeNull();
      expect(await runsOf(promptId)).toEqual([]);
      expect(runs.every((runId) => existsSync(folder(runId)))).toBe(true);

      expect(await eventTypes(promptStream(promptId))).toEqual(['PromptCreated', 'PromptDeleted']);
      for (const runId of runs) expect(await eventTypes(runStream(runId))).toEqual(['RunRequested', 'RunCompleted', 'RunDeleted']);
      const [deleted] = await history.readStream(promptStream(promptId), { direction: 'backwards', maxCount: 1 });
      expect(deleted.data).toMatchObject({ deleteOutputs: false, runIds: expect.arrayContaining(runs) });

      expect((await cosmos.gql(DELETE_PROMPT, { input: { promptId } })).data!.deletePrompt).toMatchObject({ __typename: 'NotFound', code: 'NOT_FOUND' });
    });
  });

  it('deletes output folders too when asked, and counts what went', async () => {
    const promptId = await createPrompt('Rain on a neon street');
    const runId = await seedRun(promptId, 'completed', { 'output.mp4': 3000, 'spec.json': 100 });
    const { data } = await cosmos.gql(DELETE_PROMPT, { input: { promptId, deleteOutputs: true } });
    expect(data!.deletePrompt).toMatchObject({ __typename: 'PromptDeleted', runIds: [runId], deletedFiles: 2, deletedBytes: 3100 });
    expect(existsSync(folder(runId))).toBe(false);
  });

  describe('active runs', () => {
    let promptId: string;
    let finished: string;
    let active: string;

    beforeAll(async () => {
      promptId = await createPrompt('A lighthouse in a storm');
      finished = await seedRun(promptId, 'completed', { 'output.mp4': 500 });
      active = await seedRun(promptId, 'pending');
    });

    it('block deleting their prompt and themselves, with typed errors, and nothing changes', async () => {
      const preview = await cosmos.gql(PREVIEW, { target: { promptId } });
      expect(preview.data!.deletionPreview).toMatchObject({ activeRunIds: [active], blocked: true, runCount: 2 });

      const refused = await cosmos.gql(DELETE_PROMPT, { input: { promptId, deleteOutputs: true } });
      expect(refused.data!.deletePrompt).toMatchObject({ __typename: 'PromptHasActiveRuns', code: 'PROMPT_HAS_ACTIVE_RUNS', activeRunIds: [active] });
      const run = await cosmos.gql(DELETE_RUN, { input: { runId: active } });
      expect(run.data!.deleteRun).toMatchObject({ __typename: 'RunActive', code: 'RUN_ACTIVE' });

      expect((await cosmos.gql(`query($id: String!) { prompt(id: $id) { id } }`, { id: promptId })).data!.prompt).toEqual({ id: promptId });
      expect(await runsOf(promptId)).toEqual([finished, active].sort());
      expect(existsSync(folder(finished))).toBe(true);
      expect(await eventTypes(promptStream(promptId))).toEqual(['PromptCreated']);
      expect(await eventTypes(runStream(finished))).toEqual(['RunRequested', 'RunCompleted']);
    });

    it('leave a finished run of the same prompt deletable on its own; the prompt stays', async () => {
      const { data } = await cosmos.gql(DELETE_RUN, { input: { runId: finished, deleteOutputs: true } });
      expect(data!.deleteRun).toEqual({ __typename: 'RunDeleted', runId: finished, deletedFiles: 1, deletedBytes: 500 });
      expect(existsSync(folder(finished))).toBe(false);
      expect(await runsOf(promptId)).toEqual([active]);
      expect((await cosmos.gql(DELETE_RUN, { input: { runId: finished } })).data!.deleteRun).toMatchObject({ __typename: 'NotFound' });
    });
  });

  describe('bulk deletions', () => {
    let emptyPrompt: string;
    let busyPrompt: string;
    let busyRun: string;
    let manyRunsPrompt: string;
    let manyRuns: string[];

    const activeRuns = async (): Promise<{ id: string; promptId: string }[]> =>
      ((await cosmos.gql(`{ runs(filter: { statuses: [pending, uploading, running, downloading] }) { edges { node { id promptId } } } }`)).data!.runs.edges as {
        node: { id: string; promptId: string };
      }[]).map((e) => e.node);

    beforeAll(async () => {
      emptyPrompt = await createPrompt('An empty field at dawn');
      busyPrompt = await createPrompt('A night train');
      busyRun = await seedRun(busyPrompt, 'pending');
      manyRunsPrompt = await createPrompt('A crowded market');
      // More than a catalog page (200): bulk previews and deletions cover everything, not the newest few.
      manyRuns = [];
      for (let i = 0; i < 205; i++) manyRuns.push(await seedRun(manyRunsPrompt, 'completed', i < 2 ? { 'output.mp4': 100 } : {}));
    }, 60_000);

    it('need exactly "DELETE ALL" and change nothing without it', async () => {
      const before = { prompts: await promptIds(), runs: await runCount() };
      for (const confirm of ['delete all', 'DELETE ALL ', '', 'yes']) {
        const prompts = await cosmos.gql(DELETE_ALL_PROMPTS, { input: { confirm, deleteOutputs: true } });
        expect(prompts.data!.deleteAllPrompts).toMatchObject({ __typename: 'InvalidInput', code: 'INVALID_INPUT', fields: [{ field: 'input.confirm' }] });
        const runs = await cosmos.gql(DELETE_ALL_RUNS, { input: { confirm } });
        expect(runs.data!.deleteAllRuns).toMatchObject({ __typename: 'InvalidInput', fields: [{ field: 'input.confirm' }] });
      }
      expect({ prompts: await promptIds(), runs: await runCount() }).toEqual(before);
    });

    it('preview every run, past any page size', async () => {
      const { data } = await cosmos.gql(PREVIEW, { target: { allRuns: true } });
      const active = (await activeRuns()).map((run) => run.id);
      expect(data!.deletionPreview).toMatchObject({ promptIds: [], runCount: await runCount(), blocked: true, outputs: { totalFiles: expect.any(Number) } });
      expect(data!.deletionPreview.runCount).toBeGreaterThan(205);
      expect([...data!.deletionPreview.activeRunIds].sort()).toEqual([...active].sort());
      expect(data!.deletionPreview.runIds).toEqual(expect.arrayContaining([...manyRuns, busyRun]));
    });

    it('delete every finished run, skipping and listing the active ones; prompts stay', async () => {
      const prompts = await promptIds();
      const active = (await activeRuns()).map((run) => run.id).sort();
      expect(active).toContain(busyRun);
      const { data } = await cosmos.gql(DELETE_ALL_RUNS, { input: { confirm: 'DELETE ALL' } });
      const bulk = data!.deleteAllRuns;
      expect(bulk).toMatchObject({ __typename: 'BulkDeleted', promptIds: [], deletedFiles: 0, deletedBytes: 0 });
      expect(bulk.skipped.map((skip: { id: string }) => skip.id).sort()).toEqual(active);
      expect(bulk.skipped.find((skip: { id: string }) => skip.id === busyRun).reason).toMatch(/still pending/);
      expect(bulk.runIds).toEqual(expect.arrayContaining(manyRuns));
      expect(await runCount()).toBe(active.length);
      expect(await promptIds()).toEqual(prompts);
      expect(manyRuns.slice(0, 2).every((runId) => existsSync(folder(runId)))).toBe(true);
    }, 60_000);

    it('delete every prompt without active runs, skipping and listing the others', async () => {
      const withRun = await createPrompt('A quiet harbour');
      const run = await seedRun(withRun, 'completed', { 'output.mp4': 10 });
      const busyPrompts = [...new Set((await activeRuns()).map((active) => active.promptId))].sort();
      expect(busyPrompts).toContain(busyPrompt);
      const preview = await cosmos.gql(PREVIEW, { target: { allPrompts: true }, deleteOutputs: true });
      expect(preview.data!.deletionPreview).toMatchObject({ promptCount: (await promptIds()).length, blocked: true, kept: 'Deleted items stay in the event history.' });
      expect(preview.data!.deletionPreview.activeRunIds).toContain(busyRun);

      const { data } = await cosmos.gql(DELETE_ALL_PROMPTS, { input: { confirm: 'DELETE ALL', deleteOutputs: true } });
      const bulk = data!.deleteAllPrompts;
      // Only the harbour prompt still has a finished run: the bulk run deletion took the others.
      expect(bulk).toMatchObject({ __typename: 'BulkDeleted', runIds: [run], deletedFiles: 1, deletedBytes: 10 });
      expect(bulk.promptIds).toEqual(expect.arrayContaining([emptyPrompt, manyRunsPrompt, withRun]));
      expect(bulk.skipped.map((skip: { id: string }) => skip.id).sort()).toEqual(busyPrompts);
      expect(bulk.skipped.find((skip: { id: string }) => skip.id === busyPrompt).reason).toContain(busyRun);
      expect(await promptIds()).toEqual(busyPrompts);
      expect(existsSync(folder(run))).toBe(false);
      expect(await eventTypes(promptStream(emptyPrompt))).toEqual(['PromptCreated', 'PromptDeleted']);
    });
  });
});
