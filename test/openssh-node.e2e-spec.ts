import { gpuNodeStream, jobStream } from '../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../libs/eventstore/src/index.js';
import { DEFAULT_IMAGE } from '../libs/gpu-sim/src/index.js';
import { startOpenSshHost, type OpenSshHost } from '../libs/testing/src/hosts/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';
import { eventually } from '../libs/testing/src/index.js';
import { shellCanary } from '../libs/testing/src/nodes/index.js';
import { createTestPrompt, finished, requestInference, waitForJob } from '../apps/server/testing/job-flows.js';

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

  it('runs shell metacharacters in prompts as text over real SSH: the canary a shell on the node would create never appears', async () => {
    const canary = shellCanary();
    const promptIds: string[] = [];
    for (const [index, text] of canary.texts.entries()) promptIds.push(await createTestPrompt(cosmos, text, `shell-${index}`));
    const job = await waitForJob(cosmos, await requestInference(cosmos, { promptIds }), finished, 30_000);
    expect(job).toMatchObject({ status: 'succeeded', node: 'sshd-gpu' });
    expect(canary.fired()).toBe(false);
  }, 40_000);

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

  it('says the node is down wherever one looks while sshd is gone, keeps the job queued, and records both turns on the node stream', async () => {
    const readyz = async (): Promise<{ status: string; gpuNodes: string }> => {
      const response = await fetch(`${cosmos.baseUrl}/readyz`, { signal: AbortSignal.timeout(5000) });
      expect(response.status).toBe(200);
      return (await response.json()) as { status: string; gpuNodes: string };
    };
    await eventually(async () => expect((await readyz()).gpuNodes).toBe('ok'), 10_000);
    await host.server.stop();
    try {
      const down = /^sshd-gpu unreachable since \S+ \(sshd-gpu: .+\)$/;
      await eventually(async () => {
        const body = await readyz();
        expect(body.status).toBe('degraded');
        expect(body.gpuNodes.replace(/^degraded: /, '')).toMatch(down);
      }, 10_000);
      // Queued once the node is known to be down (a job queued the instant sshd goes is claimed, and recovered).
      const jobId = await requestInference(cosmos, { promptIds: [prompt] });
      const { data } = await cosmos.gql(`query($id: String!) { job(id: $id) { status waitingFor } }`, { id: jobId });
      expect(data!.job.status).toBe('queued');
      expect(data!.job.waitingFor.replace(/^No GPU node can be reached: (.*)\.$/, '$1')).toMatch(down);
      // The probe does not wait out the connection's retries: it answers with the last attempt's error.
      const asked = Date.now();
      const probed = await cosmos.gql(`{ gpuNodes { name reachable sshError } }`);
      expect(Date.now() - asked).toBeLessThan(3000);
      expect(probed.data!.gpuNodes).toEqual([{ name: 'sshd-gpu', reachable: false, sshError: expect.stringContaining('sshd-gpu') }]);

      await host.server.start();
      const done = await waitForJob(cosmos, jobId, finished, 30_000);
      expect(done).toMatchObject({ status: 'succeeded', attempts: 1 });
      expect((await readyz()).gpuNodes).toBe('ok');
    } finally {
      await host.server.start().catch(() => undefined);
    }
    const turns = (await cosmos.get<EventStore>(EVENT_STORE).readStream(gpuNodeStream('sshd-gpu'))).slice(-2);
    expect(turns.map((event) => [event.type, event.metadata.actor])).toEqual([
      ['GpuNodeUnreachable', 'system:worker'],
      ['GpuNodeReachable', 'system:worker'],
    ]);
    expect((turns[1].data as { downSince: string }).downSince).toBe((turns[0].data as { since: string }).since);
  }, 60_000);
});
