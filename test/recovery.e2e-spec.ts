import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jobDecider, jobStream, runStream } from '../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../libs/eventstore/src/index.js';
import { CONTAINER_LABELS, dockerPs, SshConnection } from '../libs/gpu/src/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { createTestPrompt, finished, requestInference, waitForJob } from '../apps/server/testing/job-flows.js';
import { startTestGpuNode, type TestGpuNode } from '../libs/testing/src/nodes/index.js';

const CANCEL = `mutation($input: CancelJobInput!) { cancelJob(input: $input) { __typename } }`;
const RETRY = `mutation($input: RetryJobInput!) { retryJob(input: $input) { __typename ... on JobRequested { job { id retryOf } } } }`;

/**
 * A configured node the test owns (a simulated host on loopback), so it outlives restarts of the
 * service as a real GPU host would, and the test decides how the model behaves.
 */
describe('cancel, retry, timeouts and crash recovery on a configured node', () => {
  let gpu: TestGpuNode;
  let cosmos: CosmosHarness;
  let inspector: SshConnection;
  let prompt: string;

  const running = (job: { stage: string | null }) => job.stage === 'running';
  const liveContainers = async () => {
    const listed = await inspector.exec(dockerPs({ all: false, labelFilter: { [CONTAINER_LABELS.job]: true } }), { timeoutMs: 10_000 });
    return listed.stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { Names: string }).Names);
  };
  const eventTypes = async (stream: string) => (await cosmos.get<EventStore>(EVENT_STORE).readStream(stream)).map((event) => event.type);

  beforeAll(async () => {
    gpu = await startTestGpuNode('gpu-a', { durationMs: 300 });
    inspector = new SshConnection({ ...gpu.node.ssh, name: 'inspector' });
    cosmos = await CosmosHarness.start({ toml: `${gpu.toml}\n[jobs]\ninference_timeout_seconds = 4\npoll_interval_ms = 200\n` });
    prompt = await createTestPrompt(cosmos, 'a bridge in fog', 'bridge');
  });

  afterEach(() => {
    gpu.behaviour.outcome = { kind: 'succeed' };
    gpu.behaviour.durationMs = 300;
    gpu.behaviour.imageModelArgs = [];
  });

  afterAll(async () => {
    await inspector?.close();
    await cosmos?.stop();
    await gpu?.stop();
  });

  it('streams the container log of a running job to runLog subscribers, live, then completes', async () => {
    gpu.behaviour.durationMs = 1500;
    const { data } = await cosmos.gql(`mutation($input: RequestInferenceInput!) { requestInference(input: $input) { ... on JobRequested { job { id runIds } } } }`, {
      input: { promptIds: [prompt] },
    });
    const { id: jobId, runIds } = data!.requestInference.job;
    const log = cosmos.subscribe<{ runLog: { lineNumber: number; text: string; backlog: boolean } }>(
      `subscription { runLog(runId: "${runIds[0]}") { lineNumber text backlog } }`,
    );
    const lines = (await log.done(15_000)).map(({ runLog }) => runLog);
    expect((await waitForJob(cosmos, jobId, finished)).status).toBe('succeeded');
    expect(lines.some((line) => !line.backlog)).toBe(true);
    expect(lines.map((line) => line.lineNumber)).toEqual(lines.map((_, index) => index + 1));
    const file = readFileSync(join(cosmos.outputsRoot, `run_${runIds[0]}`, 'execution.log'), 'utf8');
    expect(lines.map((line) => line.text)).toEqual(file.split('\n').filter((line, index, all) => index < all.length - 1 || line !== ''));
  });

  it('cancels a running job: its container is killed by name, job and runs end cancelled', async () => {
    gpu.behaviour.outcome = { kind: 'hang' };
    const jobId = await requestInference(cosmos, { promptIds: [prompt] });
    const job = await waitForJob(cosmos, jobId, running);
    expect(await liveContainers()).toEqual([job.containerName]);
    expect((await cosmos.gql(CANCEL, { input: { jobId, reason: 'wrong prompt' } })).data!.cancelJob.__typename).toBe('JobCancellationAccepted');
    const ended = await waitForJob(cosmos, jobId, finished);
    expect(ended).toMatchObject({ status: 'cancelled', cancellation: { by: 'e2e', reason: 'wrong prompt' } });
    expect(ended.runs[0].status).toBe('cancelled');
    expect(await liveContainers()).toEqual([]);
    const { data } = await cosmos.gql(`query($id: String!) { run(id: $id) { node simulated } }`, { id: ended.runs[0].id });
    expect(data!.run).toEqual({ node: 'gpu-a', simulated: false });
  });

  it('kills a container that outlives its timeout and fails the job TIMEOUT', async () => {
    gpu.behaviour.outcome = { kind: 'hang' };
    const jobId = await requestInference(cosmos, { promptIds: [prompt] });
    const job = await waitForJob(cosmos, jobId, finished, 15_000);
    expect(job).toMatchObject({ status: 'failed', failure: { reason: 'TIMEOUT' } });
    expect(job.runs[0]).toMatchObject({ status: 'failed', failure: { reason: 'TIMEOUT' } });
    expect(await liveContainers()).toEqual([]);
  });

  it('fails a crashing model with its exit code, and a retry runs as a new linked job', async () => {
    gpu.behaviour.outcome = { kind: 'fail', exitCode: 3, message: 'RuntimeError: CUDA error: an illegal memory access was encountered' };
    const jobId = await requestInference(cosmos, { promptIds: [prompt] });
    const failed = await waitForJob(cosmos, jobId, finished);
    expect(failed).toMatchObject({ status: 'failed', failure: { reason: 'CONTAINER_EXIT', exitCode: 3 } });
    expect(failed.failure.message).toContain('illegal memory access');
    gpu.behaviour.outcome = { kind: 'succeed' };
    const { data } = await cosmos.gql(RETRY, { input: { jobId } });
    expect(data!.retryJob).toMatchObject({ __typename: 'JobRequested', job: { retryOf: jobId } });
    const retry = await waitForJob(cosmos, data!.retryJob.job.id, finished);
    expect(retry).toMatchObject({ status: 'succeeded', retryOf: jobId });
    expect((await waitForJob(cosmos, jobId, () => true)).retriedAs).toBe(retry.id);
  });

  it('surfaces the model rejecting the spec as a typed BAD_SPEC failure with its own message', async () => {
    // The node's image forces distilled mode, which has no checkpoint for the vis control the spec asks for.
    gpu.behaviour.imageModelArgs = ['--use_distilled'];
    const jobId = await requestInference(cosmos, { promptIds: [prompt], weights: { vis: 0.5, edge: 0.5 } });
    const job = await waitForJob(cosmos, jobId, finished);
    expect(job).toMatchObject({ status: 'failed', failure: { reason: 'BAD_SPEC', exitCode: 1 } });
    expect(job.failure.message).toBe('the model rejected the spec: ValueError: No default distilled checkpoint for vis. Users must specify ckpt_path in config.');
    expect(job.runs[0].failure.reason).toBe('BAD_SPEC');
  });

  it('re-attaches to a container still running after a restart: logs resume, completion recorded once', async () => {
    gpu.behaviour.durationMs = 2500;
    const jobId = await requestInference(cosmos, { promptIds: [prompt] });
    const job = await waitForJob(cosmos, jobId, running);
    await cosmos.restart();
    const done = await waitForJob(cosmos, jobId, finished);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1, containerName: job.containerName });
    const runId = done.runs[0].id;
    expect((await eventTypes(runStream(runId))).filter((type) => type === 'RunCompleted')).toHaveLength(1);
    expect((await eventTypes(jobStream(jobId))).filter((type) => type === 'JobClaimed')).toHaveLength(1);
    const log = readFileSync(join(cosmos.outputsRoot, `run_${runId}`, 'execution.log'), 'utf8');
    expect(log).toMatch(/\S/);
  });

  it('rides out a cut SSH connection mid-job: asks the node again and re-attaches to the container that ran on', async () => {
    gpu.behaviour.durationMs = 2000;
    const jobId = await requestInference(cosmos, { promptIds: [prompt] });
    const job = await waitForJob(cosmos, jobId, running);
    gpu.node.dropConnections();
    const done = await waitForJob(cosmos, jobId, finished);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1, containerName: job.containerName });
    expect((await eventTypes(jobStream(jobId))).filter((type) => type === 'JobClaimed')).toHaveLength(1);
  });

  it('finalizes a container that finished while the service was down', async () => {
    gpu.behaviour.durationMs = 1200;
    const jobId = await requestInference(cosmos, { promptIds: [prompt] });
    await waitForJob(cosmos, jobId, running);
    await cosmos.restart(() => new Promise((resolve) => setTimeout(resolve, 2000)));
    const done = await waitForJob(cosmos, jobId, finished);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(done.runs[0].outputs.map((file: { name: string }) => file.name)).toContain('output.mp4');
  });

  it('gives back a claim whose container never started: attempt 2 runs it', async () => {
    await cosmos.gql(`mutation { pauseQueue(input: { reason: "crash drill" }) { __typename } }`);
    const jobId = await requestInference(cosmos, { promptIds: [prompt] });
    // A worker that claimed the job and died before its upload: the log holds the claim, the node nothing.
    await cosmos.execute(jobDecider, jobStream(jobId), { type: 'ClaimJob', jobId, node: 'gpu-a', attempt: 1, now: new Date().toISOString() });
    await cosmos.restart();
    const released = await waitForJob(cosmos, jobId, (job) => job.status === 'queued');
    expect(released.attempts).toBe(1);
    await cosmos.gql(`mutation { resumeQueue(input: {}) { __typename } }`);
    const done = await waitForJob(cosmos, jobId, finished);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, containerName: `cosmos_inference_${jobId}_a2` });
  });

  it('kills, at start, a container of ours still running for a job that already ended', async () => {
    gpu.behaviour.outcome = { kind: 'hang' };
    const jobId = await requestInference(cosmos, { promptIds: [prompt] });
    const job = await waitForJob(cosmos, jobId, running);
    // The job ended (say the kill switch recorded it) but its container survived the process.
    const now = new Date().toISOString();
    await cosmos.execute(jobDecider, jobStream(jobId), { type: 'FailJob', jobId, reason: 'KILLED', message: 'killed by hand', exitCode: null, now });
    await cosmos.restart();
    const deadline = Date.now() + 5000;
    while ((await liveContainers()).includes(job.containerName) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await liveContainers()).toEqual([]);
    expect((await waitForJob(cosmos, jobId, () => true)).failure.reason).toBe('KILLED');
  });

  it('fails a job the worker itself cannot run instead of leaving it claimed', async () => {
    await cosmos.gql(`mutation { pauseQueue(input: { reason: "break the outputs folder" }) { __typename } }`);
    const { data } = await cosmos.gql(`mutation($input: RequestInferenceInput!) { requestInference(input: $input) { ... on JobRequested { job { id runIds } } } }`, {
      input: { promptIds: [prompt] },
    });
    const { id: jobId, runIds } = data!.requestInference.job;
    // Where the run's output folder belongs there is a file: nothing can be downloaded.
    mkdirSync(cosmos.outputsRoot, { recursive: true });
    writeFileSync(join(cosmos.outputsRoot, `run_${runIds[0]}`), 'not a folder');
    await cosmos.gql(`mutation { resumeQueue(input: {}) { __typename } }`);
    const job = await waitForJob(cosmos, jobId, finished);
    expect(job).toMatchObject({ status: 'failed', failure: { reason: 'REMOTE_ERROR' } });
    expect(job.failure.message).toMatch(/^the worker could not run it: /);
    expect(job.runs[0]).toMatchObject({ status: 'failed', failure: { reason: 'REMOTE_ERROR' } });
    rmSync(join(cosmos.outputsRoot, `run_${runIds[0]}`));
  });

  it('keeps a paused queue paused across a restart, and runs what waited once resumed', async () => {
    await cosmos.gql(`mutation { pauseQueue(input: { reason: "maintenance" }) { __typename } }`);
    await cosmos.restart();
    const jobId = await requestInference(cosmos, { promptIds: [prompt] });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await waitForJob(cosmos, jobId, () => true)).status).toBe('queued');
    await cosmos.gql(`mutation { resumeQueue(input: {}) { __typename } }`);
    expect((await waitForJob(cosmos, jobId, finished)).status).toBe('succeeded');
  });
});
