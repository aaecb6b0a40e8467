import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ids, jobDecider, jobStream, runDecider, type RunStatus, runStream } from '../libs/domain/src/index.js';
import { makeTestVideo } from '../libs/media/src/index.js';
import { DOCUMENT_STORE, type DocumentStore, type PromptDoc } from '../libs/read-models/src/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { EVENT_STORE, type EventStore } from '../libs/eventstore/src/index.js';
import { STUCK_GRACE_MS } from '../apps/api/src/integrity/live-jobs.js';

/** The job every seeded run names; no worker runs it, so tests decide what the jobs read model says of it. */
const SEEDED_JOB = 'job_5eeded000000';

const VERIFY = `mutation($fix: Boolean) {
  verifyIntegrity(fix: $fix) {
    checkedPrompts checkedRuns projectionsChecked notes
    issues { kind subject detail }
    actions { kind subject detail }
  }
}`;

interface Finding {
  kind: string;
  subject: string;
  detail: string;
}

interface Report {
  checkedPrompts: number;
  checkedRuns: number;
  projectionsChecked: string[];
  notes: string[];
  issues: Finding[];
  actions: Finding[];
}

describe('verifyIntegrity over GraphQL', () => {
  let cosmos: CosmosHarness;
  let documents: DocumentStore;
  let promptId: string;
  let goneInputsPrompt: string;
  let intactRun: string;
  let lostOutputRuns: string[];
  let stuckRun: string;
  let deletedRun: string;
  const strayRun = ids.run();

  const verify = async (fix = false): Promise<Report> => {
    const { data, errors } = await cosmos.gql<{ verifyIntegrity: Report }>(VERIFY, { fix });
    expect(errors).toBeUndefined();
    return data!.verifyIntegrity;
  };
  const ofKind = (report: Report, kind: string) => report.issues.filter((issue) => issue.kind === kind);

  const createPrompt = async (text: string, videoDir: string): Promise<string> => {
    const { data } = await cosmos.gql(`mutation($input: CreatePromptInput!) { createPrompt(input: $input) { ... on PromptCreated { prompt { id } } } }`, {
      input: { text, videoDir },
    });
    return data!.createPrompt.prompt.id;
  };

  /** A run as a worker would leave it; `written` says whether its recorded video is on disk. */
  const seedRun = async (status: 'pending' | 'completed', written = true): Promise<string> => {
    const runId = ids.run();
    const now = () => new Date().toISOString();
    // Requested long enough ago that a missing job means a lost one, not one still being projected.
    const requestedAt = new Date(Date.now() - 2 * STUCK_GRACE_MS).toISOString();
    await cosmos.execute(runDecider, runStream(runId), {
      type: 'RequestRun',
      runId,
      promptId,
      jobId: SEEDED_JOB,
      kind: 'inference',
      modelType: 'transfer',
      config: {},
      sourceRunId: null,
      sourceVideo: null,
      now: requestedAt,
      actor: 'ana',
    });
    if (status === 'completed') {
      const video = { name: 'output.mp4', path: `run_${runId}/output.mp4`, sizeBytes: 64, sha256: 'b'.repeat(64), kind: 'video' as const };
      await cosmos.execute(runDecider, runStream(runId), { type: 'CompleteRun', runId, outputs: [video], enhancedText: null, now: now() });
      if (written) writeOutput(runId, 'output.mp4', 64);
    }
    await untilRunIs(runId, status);
    return runId;
  };

  const writeOutput = (runId: string, name: string, size: number) => {
    mkdirSync(join(cosmos.outputsRoot, `run_${runId}`), { recursive: true });
    writeFileSync(join(cosmos.outputsRoot, `run_${runId}`, name), Buffer.alloc(size, 1));
  };

  /** harness.execute does not wait for read models; GraphQL mutations do. */
  const untilRunIs = async (runId: string, status: RunStatus): Promise<void> => {
    for (const deadline = Date.now() + 5000; Date.now() < deadline; await sleep(10)) {
      const { data } = await cosmos.gql(`query($id: String!) { run(id: $id) { status } }`, { id: runId });
      if (data!.run?.status === status) return;
    }
    throw new Error(`run ${runId} never became ${status}`);
  };

  beforeAll(async () => {
    cosmos = await CosmosHarness.start();
    documents = cosmos.get<DocumentStore>(DOCUMENT_STORE);
    await makeTestVideo(join(cosmos.inputsRoot, 'city', 'color.mp4'), { frames: 12 });
    await makeTestVideo(join(cosmos.inputsRoot, 'moved', 'color.mp4'), { frames: 12 });
    await makeTestVideo(join(cosmos.inputsRoot, 'moved', 'depth.mp4'), { frames: 12 });
    promptId = await createPrompt('Golden hour light creating long shadows', 'city');
    goneInputsPrompt = await createPrompt('A river through a canyon', 'moved');
    rmSync(join(cosmos.inputsRoot, 'moved'), { recursive: true });

    intactRun = await seedRun('completed');
    // More completed runs with lost videos than the predecessor's 50 and a catalog page of 200.
    lostOutputRuns = [];
    for (let i = 0; i < 210; i++) lostOutputRuns.push(await seedRun('completed', false));
    stuckRun = await seedRun('pending');
    deletedRun = await seedRun('completed');
    const deleted = await cosmos.gql(`mutation($input: DeleteRunInput!) { deleteRun(input: $input) { __typename } }`, { input: { runId: deletedRun } });
    expect(deleted.data!.deleteRun.__typename).toBe('RunDeleted');
    writeOutput(strayRun, 'output.mp4', 2048);
    writeOutput(strayRun, 'spec.json', 100);
  }, 120_000);

  afterAll(async () => {
    await cosmos?.stop();
  });

  it('checks every prompt and run: missing outputs and inputs, orphan folders and stuck runs', async () => {
    const report = await verify();
    expect(report).toMatchObject({ checkedPrompts: 2, checkedRuns: 212, actions: [], notes: [] });
    expect(report.projectionsChecked.sort()).toEqual(['jobs', 'nodes', 'prompts', 'queue', 'runs', 'stats']);

    const missingOutputs = ofKind(report, 'MISSING_OUTPUT');
    expect(missingOutputs.map((issue) => issue.subject).sort()).toEqual([...lostOutputRuns].sort());
    expect(missingOutputs[0].detail).toBe(`Not in the outputs root: run_${missingOutputs[0].subject}/output.mp4.`);

    expect(ofKind(report, 'MISSING_INPUT')).toEqual([
      { kind: 'MISSING_INPUT', subject: goneInputsPrompt, detail: 'Not in the inputs root: moved/color.mp4, moved/depth.mp4.' },
    ]);

    const orphans = ofKind(report, 'ORPHAN_OUTPUT_FOLDER');
    expect(orphans.map((issue) => issue.subject).sort()).toEqual([deletedRun, strayRun].sort());
    expect(orphans.find((issue) => issue.subject === strayRun)!.detail).toBe(
      `run_${strayRun} holds 1 mp4 file (2.0 KB), 1 json file (100.0 B), but no run ${strayRun} is in the event history.`,
    );
    expect(orphans.find((issue) => issue.subject === deletedRun)!.detail).toMatch(new RegExp(`^run_${deletedRun} holds 1 mp4 file \\(64\\.0 B\\), kept when run ${deletedRun} was deleted at \\d{4}-`));

    expect(ofKind(report, 'STUCK_RUN')).toEqual([{ kind: 'STUCK_RUN', subject: stuckRun, detail: expect.stringMatching(/^pending since .+, and no live job is executing it\.$/) }]);
    expect(ofKind(report, 'PROJECTION_DRIFT')).toEqual([]);
    expect(report.issues.some((issue) => issue.subject === intactRun || issue.subject === promptId)).toBe(false);
  }, 30_000);

  it('does not count a run its live job is executing as stuck, only one whose job ended', async () => {
    await documents.upsert('jobs', { id: SEEDED_JOB, status: 'running', runIds: [stuckRun] });
    expect(ofKind(await verify(), 'STUCK_RUN')).toEqual([]);
    await documents.upsert('jobs', { id: SEEDED_JOB, status: 'succeeded', runIds: [stuckRun] });
    expect(ofKind(await verify(), 'STUCK_RUN').map((issue) => issue.subject)).toEqual([stuckRun]);
    await documents.dropCollection('jobs');
  }, 30_000);

  it('finds read-model drift by comparing each projection with a rebuild from the events', async () => {
    const real = (await documents.get<PromptDoc>('prompts', promptId))!;
    const bogus = ids.prompt();
    await documents.upsert('prompts', { ...real, id: bogus, text: 'never created' });
    await documents.upsert('prompts', { ...real, text: 'edited behind the events' });

    const report = await verify();
    expect(ofKind(report, 'PROJECTION_DRIFT')).toEqual([
      {
        kind: 'PROJECTION_DRIFT',
        subject: 'prompts',
        detail: expect.stringMatching(/^2 of 3 documents differ from a rebuild from the events: /),
      },
    ]);
    const { detail } = ofKind(report, 'PROJECTION_DRIFT')[0];
    expect(detail).toContain(`${bogus} (not produced by the events)`);
    expect(detail).toContain(`${promptId} (text)`);
    expect(report.checkedPrompts).toBe(3);
    // Without fix, nothing changes, and the shadow copy is gone.
    expect(await documents.get('prompts', bogus)).not.toBeNull();
    expect(await documents.count('prompts__verify')).toBe(0);
  }, 30_000);

  it('with fix, rebuilds the drifted read model and fails the stuck run as ORPHANED; files stay', async () => {
    const report = await verify(true);
    expect(ofKind(report, 'PROJECTION_DRIFT').map((issue) => issue.subject)).toEqual(['prompts']);
    expect(report.actions).toEqual([
      { kind: 'REBUILT_PROJECTION', subject: 'prompts', detail: expect.stringMatching(/^Rebuilt from \d+ events\.$/) },
      { kind: 'FAILED_ORPHAN_RUN', subject: stuckRun, detail: expect.stringContaining('ORPHANED') },
    ]);
    // Checked after the rebuild: the bogus prompt no longer counts.
    expect(report.checkedPrompts).toBe(2);

    const { data } = await cosmos.gql(`query($id: String!) { run(id: $id) { status failure { reason message } } }`, { id: stuckRun });
    expect(data!.run).toEqual({ status: 'failed', failure: { reason: 'ORPHANED', message: expect.stringMatching(/no live job/i) } });
    const prompt = await cosmos.gql(`query($id: String!) { prompt(id: $id) { text } }`, { id: promptId });
    expect(prompt.data!.prompt.text).toBe('Golden hour light creating long shadows');
    expect(existsSync(join(cosmos.outputsRoot, `run_${strayRun}`))).toBe(true);
  }, 30_000);

  it('finds nothing more to fix the second time', async () => {
    const report = await verify(true);
    expect(report.actions).toEqual([]);
    expect(ofKind(report, 'PROJECTION_DRIFT')).toEqual([]);
    expect(ofKind(report, 'STUCK_RUN')).toEqual([]);
    // What fix leaves to people is still reported.
    expect(ofKind(report, 'MISSING_OUTPUT')).toHaveLength(210);
    expect(ofKind(report, 'ORPHAN_OUTPUT_FOLDER')).toHaveLength(2);
  }, 30_000);
});

describe('verifyIntegrity in an API-only process', () => {
  let api: CosmosHarness;

  beforeAll(async () => {
    api = await CosmosHarness.start({ env: { COSMOS_ROLE: 'api' } });
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
  });

  it('checks files and runs but says that read models need the process the projections run in', async () => {
    const { data, errors } = await api.gql(VERIFY, { fix: true });
    expect(errors).toBeUndefined();
    expect(data!.verifyIntegrity).toMatchObject({ checkedPrompts: 0, checkedRuns: 0, issues: [], actions: [], projectionsChecked: [] });
    expect(data!.verifyIntegrity.notes).toEqual([expect.stringMatching(/not compared with the events: projections run in the worker process/)]);
  });
});

describe('verifyIntegrity and a request cut off between its job and its runs', () => {
  let cosmos: CosmosHarness;

  beforeAll(async () => {
    cosmos = await CosmosHarness.start();
  });

  afterAll(async () => {
    await cosmos?.stop();
  });

  it('reports the job queued before v3 that no worker will ever claim, and with fix cancels it', async () => {
    const jobId = ids.job();
    const queuedAt = new Date(Date.now() - 2 * STUCK_GRACE_MS).toISOString();
    // As a v2 request cut off after its job left it: the runs never recorded, and too little kept to make them.
    const v2 = { jobId, kind: 'inference', runIds: [ids.run()], promptIds: [ids.prompt()], config: {}, promptTexts: {}, priority: 50, idempotencyKey: null, retryOf: null, queuedAt, queuedBy: 'ana' };
    const metadata = { occurredAt: queuedAt, correlationId: jobId, causationId: jobId, schemaVersion: 2, actor: 'ana' };
    await cosmos.get<EventStore>(EVENT_STORE).append(jobStream(jobId), [{ id: randomUUID(), type: 'JobQueued', data: v2, metadata }], 'no_stream');
    const reported = (await cosmos.gql<{ verifyIntegrity: { issues: Finding[] } }>(VERIFY, { fix: false })).data!.verifyIntegrity;
    expect(reported.issues).toEqual([{ kind: 'STALLED_JOB', subject: jobId, detail: `queued since ${queuedAt}, but some of its runs were never recorded.` }]);

    const fixed = (await cosmos.gql<{ verifyIntegrity: { actions: Finding[] } }>(VERIFY, { fix: true })).data!.verifyIntegrity;
    expect(fixed.actions).toEqual([{ kind: 'CANCELLED_STALLED_JOB', subject: jobId, detail: expect.stringMatching(/^Cancelled: its request was cut off/) }]);
    const { data } = await cosmos.gql(`query($id: String!) { job(id: $id) { status cancellation { by reason } } }`, { id: jobId });
    expect(data!.job).toMatchObject({ status: 'cancelled', cancellation: { by: 'e2e' } });
    expect((await cosmos.gql<{ verifyIntegrity: { issues: Finding[] } }>(VERIFY, { fix: false })).data!.verifyIntegrity.issues).toEqual([]);
  });
});
