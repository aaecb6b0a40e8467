import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jobStream, runStream } from '../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../libs/eventstore/src/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { createTestPrompt, finished, requestInference, waitForJob } from '../apps/server/testing/job-flows.js';

const UPSCALE = `mutation($input: RequestUpscaleInput!) { requestUpscale(input: $input) { __typename ... on JobRequested { job { id } } ... on UserError { code message } } }`;
const ENHANCE = `mutation($input: EnhancePromptInput!) { enhancePrompt(input: $input) { __typename ... on JobRequested { job { id } } ... on UserError { code message } } }`;

/** The in-process simulated node `npm start` uses when no node is configured, with short model runs. */
describe('jobs of every kind run on the simulated GPU node', () => {
  let cosmos: CosmosHarness;
  let city: string;
  let road: string;

  const outputNames = (run: { outputs: { name: string }[] }) => run.outputs.map((file) => file.name);
  const mutate = async (query: string, name: string, input: Record<string, unknown>) => {
    const { data, errors } = await cosmos.gql(query, { input });
    expect(errors).toBeUndefined();
    expect(data![name].__typename).toBe('JobRequested');
    return data![name].job.id as string;
  };

  beforeAll(async () => {
    cosmos = await CosmosHarness.start({ env: { COSMOS_GPU_SIMULATED_DURATION_MS: '200' } });
    city = await createTestPrompt(cosmos, 'a city at night, "neon" $(rm -rf /) `id`; echo hi', 'city', 'city_night');
    road = await createTestPrompt(cosmos, "a plain road at noon, it's 'quiet'\nsecond line", 'road');
  });

  afterAll(async () => {
    await cosmos?.stop();
  });

  it('runs an inference job: claimed, uploaded, run, downloaded, with checksummed outputs and the log', async () => {
    const jobId = await requestInference(cosmos, { promptIds: [city], weights: { vis: 0.5, edge: 0.3 } });
    const job = await waitForJob(cosmos, jobId, finished);
    expect(job).toMatchObject({ status: 'succeeded', node: 'simulated', attempts: 1, failure: null, containerName: `cosmos_inference_${jobId}_a1` });
    const { data } = await cosmos.gql(`query($id: String!) { run(id: $id) { node simulated } }`, { id: job.runs[0].id });
    expect(data!.run).toEqual({ node: 'simulated', simulated: true });
    const [run] = job.runs;
    expect(run.status).toBe('completed');
    expect(outputNames(run)).toEqual(expect.arrayContaining(['output.mp4', 'execution.log', 'manifest.json']));
    for (const file of run.outputs) expect(existsSync(join(cosmos.outputsRoot, file.path))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(cosmos.outputsRoot, `run_${run.id}`, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ runId: run.id, jobId, attempt: 1, exitCode: 0 });
    expect(readFileSync(join(cosmos.outputsRoot, `run_${run.id}`, 'execution.log'), 'utf8')).toMatch(/\S/);
    // The history: queued → claimed → uploading → running → downloading → completed, each an event.
    const events = cosmos.get<EventStore>(EVENT_STORE);
    const stages = (await events.readStream(jobStream(jobId))).map((event) =>
      event.type === 'JobStageChanged' ? (event.data as { stage: string }).stage : event.type,
    );
    expect([...new Set(stages)]).toEqual(['JobQueued', 'JobClaimed', 'uploading', 'running', 'downloading', 'JobSucceeded']);
    const statuses = (await events.readStream(runStream(run.id))).map((event) =>
      event.type === 'RunStatusChanged' ? (event.data as { status: string }).status : event.type,
    );
    expect(statuses).toEqual(['RunRequested', 'uploading', 'running', 'downloading', 'RunCompleted']);
    // The prompt text, quotes and $(…) included, reached the model inside the spec and came back as its prompt file.
    const promptFile = run.outputs.find((file: { kind: string }) => file.kind === 'text');
    expect(readFileSync(join(cosmos.outputsRoot, promptFile.path), 'utf8')).toContain('"neon" $(rm -rf /) `id`; echo hi');
  });

  it('runs a batch job: one container, each run gets its own outputs in line order', async () => {
    const jobId = await requestInference(cosmos, { promptIds: [city, road], weights: { vis: 0.4 } });
    const job = await waitForJob(cosmos, jobId, finished);
    expect(job).toMatchObject({ kind: 'batch_inference', status: 'succeeded' });
    expect(job.runs.map((run: { promptId: string }) => run.promptId)).toEqual([city, road]);
    for (const run of job.runs) {
      expect(run.status).toBe('completed');
      expect(outputNames(run)).toContain('output.mp4');
      expect(run.outputs.every((file: { path: string }) => file.path.startsWith(`run_${run.id}/`))).toBe(true);
    }
    const texts = job.runs.map((run: { outputs: { kind: string; path: string }[] }) =>
      readFileSync(join(cosmos.outputsRoot, run.outputs.find((file) => file.kind === 'text')!.path), 'utf8'),
    );
    expect(texts[0]).toContain('a city at night');
    expect(texts[1]).toContain("a plain road at noon, it's 'quiet'");
  });

  it('upscales a completed run: the upscale run links to its source and has its own video', async () => {
    const sourceJob = await waitForJob(cosmos, await requestInference(cosmos, { promptIds: [road] }), finished);
    const source = sourceJob.runs[0];
    const jobId = await mutate(UPSCALE, 'requestUpscale', { sourceRunId: source.id, controlWeight: 0.7 });
    const job = await waitForJob(cosmos, jobId, finished);
    expect(job).toMatchObject({ kind: 'upscale', status: 'succeeded' });
    expect(job.runs[0]).toMatchObject({ status: 'completed', sourceRunId: source.id, promptId: road });
    expect(outputNames(job.runs[0])).toContain('output.mp4');
  });

  it('enhances CREATE_NEW: a new <name>_enhanced prompt, linked in the lineage', async () => {
    const jobId = await mutate(ENHANCE, 'enhancePrompt', { promptId: city, mode: 'CREATE_NEW', model: 'pixtral' });
    const job = await waitForJob(cosmos, jobId, finished);
    expect(job).toMatchObject({ kind: 'enhance', status: 'succeeded' });
    const run = job.runs[0];
    expect(run.enhancedText).toMatch(/\S/);
    expect(outputNames(run)).toEqual(expect.arrayContaining(['prompt.txt', 'batch_results.json', 'execution.log', 'manifest.json']));
    const { data } = await cosmos.gql(`query($id: String!) { lineage(promptId: $id) { descendants { id name text enhancedFrom { promptId runId model } } } }`, { id: city });
    expect(data!.lineage.descendants).toEqual([
      { id: expect.any(String), name: 'city_night_enhanced', text: run.enhancedText, enhancedFrom: { promptId: city, runId: run.id, model: 'pixtral' } },
    ]);
  });

  it('enhances OVERWRITE: the prompt keeps its id and takes the upsampled text', async () => {
    const fresh = await createTestPrompt(cosmos, 'a harbour at dawn', 'harbour');
    const jobId = await mutate(ENHANCE, 'enhancePrompt', { promptId: fresh, mode: 'OVERWRITE', model: 'pixtral' });
    const job = await waitForJob(cosmos, jobId, finished);
    expect(job.status).toBe('succeeded');
    const { data } = await cosmos.gql(`query($id: String!) { prompt(id: $id) { text } }`, { id: fresh });
    expect(data!.prompt.text).toBe(job.runs[0].enhancedText);
    expect(data!.prompt.text).not.toBe('a harbour at dawn');
  });

  it('claims by priority, then in order of queueing, once the queue resumes', async () => {
    await cosmos.gql(`mutation { pauseQueue(input: { reason: "ordering" }) { __typename } }`);
    const low = await requestInference(cosmos, { promptIds: [road], priority: 10 });
    const high = await requestInference(cosmos, { promptIds: [road], priority: 90 });
    const middleFirst = await requestInference(cosmos, { promptIds: [road], priority: 50 });
    const middleSecond = await requestInference(cosmos, { promptIds: [road], priority: 50 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await waitForJob(cosmos, low, () => true)).status).toBe('queued');
    await cosmos.gql(`mutation { resumeQueue(input: {}) { __typename } }`);
    const jobs = await Promise.all([low, high, middleFirst, middleSecond].map((id) => waitForJob(cosmos, id, finished)));
    const byClaim = [...jobs].sort((a, b) => Date.parse(a.claimedAt) - Date.parse(b.claimedAt)).map((job) => job.id);
    expect(byClaim).toEqual([high, middleFirst, middleSecond, low]);
  });
});
