import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ids, jobDecider, type JobQueued, jobStream, resolveInferenceConfig, runDecider, type RunRequested, runStream } from '../libs/domain/src/index.js';
import { asQueuedPrompt, type CatalogQueries } from '../libs/read-models/src/index.js';
import { CATALOG_QUERIES } from '../apps/api/src/graphql/catalog.provider.js';
import { EVENT_STORE, type EventStore } from '../libs/eventstore/src/index.js';
import { startTestGpuNode, type TestGpuNode } from '../libs/testing/src/nodes/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { createTestPrompt, finished, requestInference, waitForJob } from '../apps/server/testing/job-flows.js';

const INFERENCE_CONFIG = resolveInferenceConfig({});
const ENHANCE = `mutation($input: EnhancePromptInput!) { enhancePrompt(input: $input) { __typename ... on JobRequested { job { id } } ... on UserError { code message } } }`;

/**
 * A run generates from the prompt as it was when the run was requested: an OVERWRITE enhancement
 * that lands while the run waits in the queue changes the prompt, not what the queued run makes.
 */
describe('a queued run keeps the text it was queued with', () => {
  let gpu: TestGpuNode;
  let cosmos: CosmosHarness;

  beforeAll(async () => {
    // The node outlives a restart of the service, as a real host does, so a running job can be recovered.
    gpu = await startTestGpuNode('gpu-a', { durationMs: 100 });
    cosmos = await CosmosHarness.start({ toml: `${gpu.toml}\n[jobs]\npoll_interval_ms = 200\n` });
  });

  afterAll(async () => {
    await cosmos?.stop();
    await gpu?.stop();
  });

  it('runs the queued text after an OVERWRITE enhancement changed the prompt in between', async () => {
    const text = 'a lighthouse in a storm';
    const promptId = await createTestPrompt(cosmos, text, 'lighthouse');
    expect((await cosmos.gql(`mutation { pauseQueue { __typename } }`)).data!.pauseQueue.__typename).toBe('QueueChanged');
    // The enhancement first in line, the inference queued while the prompt still says `text`.
    const enhanced = await cosmos.gql(ENHANCE, { input: { promptId, mode: 'OVERWRITE', priority: 90 } });
    expect(enhanced.data!.enhancePrompt.__typename).toBe('JobRequested');
    const inference = await requestInference(cosmos, { promptIds: [promptId], priority: 10 });
    const enhanceJobId = enhanced.data!.enhancePrompt.job.id as string;
    const pause = async () => expect((await cosmos.gql(`mutation { pauseQueue { __typename } }`)).data!.pauseQueue.__typename).toBe('QueueChanged');
    const resume = async () => expect((await cosmos.gql(`mutation { resumeQueue { __typename } }`)).data!.resumeQueue.__typename).toBe('QueueChanged');
    // Let the enhancement alone be claimed, then hold the queue until its new text is what everyone reads.
    await resume();
    await waitForJob(cosmos, enhanceJobId, (job) => job.status !== 'queued', 30_000);
    await pause();
    expect((await waitForJob(cosmos, enhanceJobId, finished, 30_000)).status).toBe('succeeded');
    const overwritten = (await cosmos.gql(`query($id: String!) { prompt(id: $id) { text } }`, { id: promptId })).data!.prompt.text;
    expect(overwritten).not.toBe(text);
    await resume();

    const job = await waitForJob(cosmos, inference, finished, 30_000);
    expect(job.status).toBe('succeeded');
    const outputs = job.runs[0].outputs as { name: string; path: string }[];
    const promptFile = outputs.find((file) => file.name.endsWith('.txt'));
    expect({ files: outputs.map((file) => file.name), promptFile: promptFile?.name }).toEqual({ files: expect.any(Array), promptFile: expect.any(String) });
    expect(readFileSync(join(cosmos.outputsRoot, promptFile!.path), 'utf8').trim()).toBe(text);
  }, 90_000);

  it('runs a job whose request stopped after queueing it: the worker makes the runs the request did not', async () => {
    const promptId = await createTestPrompt(cosmos, 'a ferry leaving port', 'ferry');
    const events = cosmos.get<EventStore>(EVENT_STORE);
    const prompt = (await cosmos.get<CatalogQueries>(CATALOG_QUERIES).prompt(promptId))!;
    const jobId = ids.job();
    const runId = ids.run();
    const now = new Date().toISOString();
    const queued = await cosmos.execute(jobDecider, jobStream(jobId), {
      type: 'QueueJob', jobId, kind: 'inference', runIds: [runId], promptIds: [promptId], config: { ...INFERENCE_CONFIG },
      prompts: { [promptId]: asQueuedPrompt(prompt) }, upscale: null, priority: 50, idempotencyKey: null, retryOf: null, now, actor: 'ana',
    });
    const job = await waitForJob(cosmos, jobId, finished, 30_000);
    expect({ status: job.status, runs: job.runs.map((run: { id: string; status: string }) => [run.id, run.status]) }).toEqual({ status: 'succeeded', runs: [[runId, 'completed']] });
    const [requested] = await events.readStream(runStream(runId));
    expect({ type: requested!.type, actor: requested!.metadata.actor, causedBy: requested!.metadata.causationId }).toEqual({ type: 'RunRequested', actor: 'system:worker', causedBy: queued.eventIds[0] });
  }, 60_000);

  it('runs and recovers a job queued as JobQueued v1 (no texts kept) from the prompt as it is now', async () => {
    const text = 'a tram at the terminus';
    const promptId = await createTestPrompt(cosmos, text, 'tram');
    const events = cosmos.get<EventStore>(EVENT_STORE);
    expect((await cosmos.gql(`mutation { pauseQueue { __typename } }`)).data!.pauseQueue.__typename).toBe('QueueChanged');
    // A job as today's code queues it lends its resolved config; then it is cancelled, and the same job is written as v1 would have.
    const template = await requestInference(cosmos, { promptIds: [promptId] });
    const [queued] = (await events.readStream(jobStream(template))) as unknown as JobQueued[];
    const [runRequested] = (await events.readStream(runStream(queued!.data.runIds[0]!))) as unknown as RunRequested[];
    await cosmos.gql(`mutation($input: CancelJobInput!) { cancelJob(input: $input) { __typename } }`, { input: { jobId: template } });

    const jobId = ids.job();
    const runId = ids.run();
    const now = new Date().toISOString();
    const { promptTexts: _texts, prompts: _prompts, upscale: _upscale, ...v1 } = { ...queued!.data, jobId, runIds: [runId], queuedAt: now };
    await events.append(jobStream(jobId), [{ id: randomUUID(), type: 'JobQueued', data: v1, metadata: { occurredAt: now, correlationId: jobId, causationId: jobId, schemaVersion: 1, actor: 'ana' } }], 'no_stream');
    const { kind, modelType, config } = runRequested!.data;
    await cosmos.execute(runDecider, runStream(runId), { type: 'RequestRun', runId, promptId, jobId, kind, modelType, config, sourceRunId: null, sourceVideo: null, now, actor: 'ana' });
    const [stored] = await events.readStream(jobStream(jobId));
    expect({ schemaVersion: stored!.metadata.schemaVersion, kept: Object.keys(stored!.data).filter((key) => key.startsWith('prompt')) }).toEqual({ schemaVersion: 1, kept: ['promptIds'] });

    gpu.behaviour.durationMs = 2000;
    await cosmos.gql(`mutation { resumeQueue { __typename } }`);
    await waitForJob(cosmos, jobId, (job) => job.stage === 'running', 30_000);
    await cosmos.restart();
    const job = await waitForJob(cosmos, jobId, finished, 30_000);
    expect({ status: job.status, attempts: job.attempts, failure: job.failure }).toEqual({ status: 'succeeded', attempts: 1, failure: null });
    const promptFile = (job.runs[0].outputs as { name: string; path: string }[]).find((file) => file.name.endsWith('.txt'));
    expect(readFileSync(join(cosmos.outputsRoot, promptFile!.path), 'utf8').trim()).toBe(text);
  }, 90_000);
});
