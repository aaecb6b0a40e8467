import { jobStream } from '../libs/domain/src/job/job.events.js';
import { EVENT_STORE, type EventStore } from '../libs/eventstore/src/event-store.port.js';
import { DEFAULT_IMAGE } from '../libs/gpu-sim/src/simulated-behaviour.js';
import { startOpenSshHost, type OpenSshHost } from '../libs/gpu/src/executor/openssh-host.fixture.js';
import { CosmosHarness } from '../libs/testing/src/cosmos.harness.js';
import { eventually } from '../libs/testing/src/eventually.js';
import { createTestPrompt, finished, requestInference, waitForJob } from '../libs/testing/src/job-flows.js';

/**
 * The whole service driving a GPU node behind a real OpenSSH sshd on 127.0.0.1 (docker there is
 * the simulated daemon's CLI), and that node going away and coming back.
 */
describe('a GPU node behind real OpenSSH', () => {
  let host: OpenSshHost;
  let cosmos: CosmosHarness;
  let prompt: string;

  const running = (job: { stage: string | null }) => job.stage === 'running';
  const claims = async (jobId: string) =>
    (await cosmos.get<EventStore>(EVENT_STORE).readStream(jobStream(jobId))).filter((event) => event.type === 'JobClaimed').length;

  beforeAll(async () => {
    host = await startOpenSshHost();
    const { server } = host;
    const toml = [
      '[[gpu.nodes]]',
      'name = "sshd-gpu"',
      `host = "${server.host}"`,
      `port = ${server.port}`,
      `user = "${server.user}"`,
      `private_key_path = "${server.privateKeyPath}"`,
      `host_key_fingerprint = "${server.hostKeyFingerprint}"`,
      `remote_dir = "${host.remoteDir}"`,
      `image = "${DEFAULT_IMAGE}"`,
      'gpu_count = 1',
      'connect_timeout_ms = 2000',
      '[jobs]',
      'poll_interval_ms = 300',
    ].join('\n');
    cosmos = await CosmosHarness.start({ toml });
    prompt = await createTestPrompt(cosmos, 'a tram crossing "the square" at $(date) `noon`', 'tram');
  }, 30_000);

  afterEach(() => {
    host.behaviour.durationMs = 300;
  });

  afterAll(async () => {
    await cosmos?.stop();
    await host?.stop();
  });

  it('runs a job to completion over real SSH, SFTP and the docker CLI', async () => {
    const job = await waitForJob(cosmos, await requestInference(cosmos, { promptIds: [prompt] }), finished);
    expect(job).toMatchObject({ status: 'succeeded', node: 'sshd-gpu', attempts: 1 });
    expect(job.runs[0].outputs.map((file: { name: string }) => file.name)).toEqual(expect.arrayContaining(['output.mp4', 'manifest.json']));
  });

  it('rides out sshd going down mid-job: the container ran on, and the job completes once the node answers again', async () => {
    host.behaviour.durationMs = 2500;
    const jobId = await requestInference(cosmos, { promptIds: [prompt] });
    await waitForJob(cosmos, jobId, running);
    await host.server.stop();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await host.server.start();
    const done = await waitForJob(cosmos, jobId, finished, 30_000);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1, failure: null });
    expect(await claims(jobId)).toBe(1);
  }, 40_000);

  it('re-attaches when the docker wait watching its container is killed on the node', async () => {
    host.behaviour.durationMs = 2500;
    const jobId = await requestInference(cosmos, { promptIds: [prompt] });
    const { containerName } = await waitForJob(cosmos, jobId, running);
    await eventually(() => expect(host.server.signalCommands(['wait', containerName], 'SIGTERM')).toBe(1));
    const done = await waitForJob(cosmos, jobId, finished, 30_000);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1, failure: null });
    expect(await claims(jobId)).toBe(1);
  }, 40_000);

  it('recovers its claims once a node that was down at start-up answers', async () => {
    host.behaviour.durationMs = 2500;
    const jobId = await requestInference(cosmos, { promptIds: [prompt] });
    await waitForJob(cosmos, jobId, running);
    await cosmos.restart(() => host.server.stop());
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await waitForJob(cosmos, jobId, () => true)).status).toBe('running');
    await host.server.start();
    const done = await waitForJob(cosmos, jobId, finished, 30_000);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1, failure: null });
    expect(await claims(jobId)).toBe(1);
  }, 40_000);
});
