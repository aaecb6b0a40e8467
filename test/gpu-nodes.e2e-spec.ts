import { join } from 'node:path';
import { jobContainerName, jobDecider, jobStream, runStream } from '../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../libs/eventstore/src/index.js';
import { dockerInspect, dockerRun, GPU_NODES, type GpuNode, type GpuNodes } from '../libs/gpu/src/index.js';
import { makeTestVideo } from '../libs/media/src/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';

const CONTAINER = 'name jobId kind runIds status startedAt runningForSeconds';
const NODE = `name simulated host port user reachable sshError dockerOk dockerVersion dockerError
  gpus { index name memoryUsedMiB memoryTotalMiB utilizationPercent temperatureC powerDrawW powerLimitW }
  gpuError driverVersion cudaVersion containers { ${CONTAINER} } checkedAt`;
const KILL = `mutation($node: String!, $confirm: Boolean!) {
  killContainers(node: $node, confirm: $confirm) {
    __typename
    ... on ContainersKilled { node killed { ${CONTAINER} } jobIds failures { name message } }
    ... on KillNotConfirmed { node containers { ${CONTAINER} } jobIds }
    ... on UserError { code message }
  }
}`;
const JOB = `query($id: String!) { job(id: $id) { id status node attempts failure { reason message exitCode } runs { id status failure { reason message } } } }`;

interface NodeView {
  name: string;
  containers: { name: string }[];
  [field: string]: unknown;
}

describe('GPU node status and the container kill switch over GraphQL', () => {
  let cosmos: CosmosHarness;
  let node: GpuNode;
  let prompt: string;

  const exec = (argv: readonly string[]) => node.connection.exec(argv, { timeoutMs: 10_000 });
  const gpuNodes = async (): Promise<NodeView[]> => {
    const { data, errors } = await cosmos.gql(`{ gpuNodes { ${NODE} } }`);
    expect(errors).toBeUndefined();
    return data!.gpuNodes;
  };
  const kill = async (nodeName: string, confirm: boolean) => {
    const { data, errors } = await cosmos.gql(KILL, { node: nodeName, confirm }, 'operator');
    expect(errors).toBeUndefined();
    return data!.killContainers;
  };
  const running = async (): Promise<string[]> => {
    const listed = await exec(['docker', 'ps', '--format', '{{.Names}}']);
    return listed.stdout.split('\n').filter(Boolean);
  };

  /** A queued inference job claimed by hand for the simulated node, its container started by hand: no worker touches either. */
  const claimedJobWithContainer = async () => {
    const { data } = await cosmos.gql(
      `mutation($input: RequestInferenceInput!) { requestInference(input: $input) { ... on JobRequested { job { id runIds } } ... on UserError { code message } } }`,
      { input: { promptIds: [prompt] } },
    );
    const { id: jobId, runIds } = data!.requestInference.job as { id: string; runIds: string[] };
    await cosmos.execute(jobDecider, jobStream(jobId), { type: 'ClaimJob', jobId, node: 'simulated', attempt: 1, now: new Date().toISOString() });
    const name = jobContainerName('inference', jobId, 1);
    const started = await exec(
      dockerRun({ name, labels: { job: jobId, kind: 'inference', runs: runIds }, image: node.executor.image, command: ['sleep', '3600'], detached: true }),
    );
    expect(started.exitCode).toBe(0);
    return { jobId, runIds, name };
  };

  beforeAll(async () => {
    cosmos = await CosmosHarness.start({ toml: '[gpu]\nstatus_interval_ms = 500\n' });
    node = cosmos.get<GpuNodes>(GPU_NODES).get('simulated')!;
    // A paused queue is never claimed from, so the worker leaves the jobs of these tests alone.
    const paused = await cosmos.gql(`mutation { pauseQueue { __typename } }`);
    expect(paused.data!.pauseQueue.__typename).toBe('QueueChanged');
    await makeTestVideo(join(cosmos.inputsRoot, 'city', 'color.mp4'), { frames: 12 });
    const { data } = await cosmos.gql(`mutation($input: CreatePromptInput!) { createPrompt(input: $input) { ... on PromptCreated { prompt { id } } } }`, {
      input: { text: 'a city at night', videoDir: 'city' },
    });
    prompt = data!.createPrompt.prompt.id;
  });

  afterAll(async () => {
    await cosmos?.stop();
  });

  it('lists the simulated node with docker, an H100 and no containers', async () => {
    const nodes = await gpuNodes();
    expect(nodes).toHaveLength(1);
    expect(nodes[0]).toMatchObject({
      name: 'simulated',
      simulated: true,
      host: '127.0.0.1',
      user: 'cosmos',
      reachable: true,
      sshError: null,
      dockerOk: true,
      dockerVersion: expect.any(String),
      dockerError: null,
      gpuError: null,
      driverVersion: expect.any(String),
      cudaVersion: expect.any(String),
      containers: [],
    });
    expect(nodes[0].gpus).toEqual([expect.objectContaining({ index: 0, name: expect.stringMatching(/H100/), memoryTotalMiB: expect.any(Number) })]);
    expect(Date.now() - Date.parse(nodes[0].checkedAt as string)).toBeLessThan(10_000);
  });

  it('pushes the node list at once on subscribe, then when a container of ours appears', async () => {
    const changes = cosmos.subscribe<{ gpuNodesChanged: NodeView[] }>(`subscription { gpuNodesChanged { name simulated reachable dockerOk containers { name jobId } } }`);
    const [first] = await changes.next(1, 3000);
    expect(first.gpuNodesChanged).toEqual([{ name: 'simulated', simulated: true, reachable: true, dockerOk: true, containers: [] }]);

    const { jobId, name } = await claimedJobWithContainer();
    const pushed = await changes.next(2, 5000);
    expect(pushed[1].gpuNodesChanged[0].containers).toEqual([{ name, jobId }]);
    changes.stop();
    await kill('simulated', true);
  });

  it('refuses a node it does not know with NotFound', async () => {
    expect(await kill('nowhere', true)).toMatchObject({ __typename: 'NotFound', code: 'NOT_FOUND', message: expect.stringMatching(/nowhere.*simulated/) });
  });

  it('without confirm kills nothing and lists what would be killed', async () => {
    const { jobId, runIds, name } = await claimedJobWithContainer();
    const refused = await kill('simulated', false);
    expect(refused).toMatchObject({ __typename: 'KillNotConfirmed', code: 'KILL_NOT_CONFIRMED', node: 'simulated', jobIds: [jobId] });
    expect(refused.containers).toEqual([expect.objectContaining({ name, jobId, kind: 'inference', runIds, status: 'running' })]);
    expect(await running()).toContain(name);
    expect((await cosmos.gql(JOB, { id: jobId })).data!.job.status).toBe('claimed');
    await kill('simulated', true);
  });

  it('with confirm fails the job and its runs with KILLED first, then kills only our container', async () => {
    const { jobId, runIds, name } = await claimedJobWithContainer();
    const foreign = ['docker', 'run', '--detach', '--name', 'not_ours', node.executor.image, 'sleep', '3600'];
    expect((await exec(foreign)).exitCode).toBe(0);

    const killed = await kill('simulated', true);
    expect(killed).toMatchObject({ __typename: 'ContainersKilled', node: 'simulated', jobIds: [jobId], failures: [] });
    expect(killed.killed).toEqual([expect.objectContaining({ name, jobId })]);

    const { data } = await cosmos.gql(JOB, { id: jobId });
    expect(data!.job).toMatchObject({ status: 'failed', node: 'simulated', failure: { reason: 'KILLED', message: expect.stringMatching(/operator.*simulated/), exitCode: null } });
    expect(data!.job.runs).toEqual(runIds.map((id) => ({ id, status: 'failed', failure: { reason: 'KILLED', message: expect.any(String) } })));
    expect(await running()).toEqual(['not_ours']);
    expect((await gpuNodes())[0].containers).toEqual([]);

    // The ending was on record before the container died, so whoever followed it finds the job over.
    const finishedAt = Date.parse((await exec(dockerInspect(name, '{{.State.FinishedAt}}'))).stdout.trim());
    const events = cosmos.get<EventStore>(EVENT_STORE);
    const [jobFailed] = await events.readStream(jobStream(jobId), { direction: 'backwards', maxCount: 1 });
    const [runFailed] = await events.readStream(runStream(runIds[0]!), { direction: 'backwards', maxCount: 1 });
    expect([jobFailed!.type, runFailed!.type]).toEqual(['JobFailed', 'RunFailed']);
    expect(Date.parse(jobFailed!.recordedAt)).toBeLessThanOrEqual(finishedAt);
    expect(Date.parse(runFailed!.recordedAt)).toBeLessThanOrEqual(finishedAt);

    // A repeat finds nothing of ours running and records nothing again.
    const revision = jobFailed!.revision;
    expect(await kill('simulated', true)).toMatchObject({ __typename: 'ContainersKilled', killed: [], jobIds: [], failures: [] });
    const [last] = await events.readStream(jobStream(jobId), { direction: 'backwards', maxCount: 1 });
    expect(last!.revision).toBe(revision);
    await exec(['docker', 'kill', 'not_ours']);
  });
});
