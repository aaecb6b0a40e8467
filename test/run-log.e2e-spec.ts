import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ids, runDecider, runStream } from '../libs/domain/src/index.js';
import { makeTestVideo } from '../libs/media/src/index.js';
import { CosmosHarness } from '../apps/server/testing/cosmos.harness.js';

interface RunLogLine {
  runId: string;
  lineNumber: number;
  text: string;
  backlog: boolean;
}

const FINISHED = ['completed', 'failed', 'cancelled'];

/**
 * The log is written here as the worker writes it, and the run is ended through the run's own
 * command: with COSMOS_GPU_SIMULATED=false and no [[gpu.nodes]] no worker claims the job, so the
 * run stays pending until the test ends it.
 */
describe('runLog over GraphQL', () => {
  let cosmos: CosmosHarness;
  let promptId: string;

  const subscribeLog = (runId: string) =>
    cosmos.subscribe<{ runLog: RunLogLine }>(`subscription { runLog(runId: "${runId}") { runId lineNumber text backlog } }`);
  const logFile = (runId: string) => {
    mkdirSync(join(cosmos.outputsRoot, `run_${runId}`), { recursive: true });
    return join(cosmos.outputsRoot, `run_${runId}`, 'execution.log');
  };
  const requestRun = async () => {
    const { data, errors } = await cosmos.gql(
      `mutation($input: RequestInferenceInput!) { requestInference(input: $input) { __typename ... on JobRequested { runs { id status } } } }`,
      { input: { promptIds: [promptId] } },
    );
    expect(errors).toBeUndefined();
    expect(data!.requestInference.__typename).toBe('JobRequested');
    return data!.requestInference.runs[0].id as string;
  };
  /** Cancels the run unless something (a worker) finished it already. */
  const finish = async (runId: string) => {
    const { data } = await cosmos.gql(`query($id: String!) { run(id: $id) { status } }`, { id: runId });
    if (FINISHED.includes(data!.run.status)) return;
    await cosmos.execute(runDecider, runStream(runId), { type: 'CancelRun', runId, reason: 'the test is over', now: new Date().toISOString(), actor: 'e2e' });
  };

  beforeAll(async () => {
    cosmos = await CosmosHarness.start({ env: { COSMOS_GPU_SIMULATED: 'false' } });
    await makeTestVideo(join(cosmos.inputsRoot, 'city', 'color.mp4'), { frames: 12 });
    const { data } = await cosmos.gql(`mutation($input: CreatePromptInput!) { createPrompt(input: $input) { ... on PromptCreated { prompt { id } } } }`, {
      input: { text: 'a city at night', videoDir: 'city' },
    });
    promptId = data!.createPrompt.prompt.id;
  }, 60_000);

  afterAll(async () => {
    await cosmos?.stop();
  });

  it('sends the backlog, then new lines, then completes once the run has finished', async () => {
    const runId = await requestRun();
    const file = logFile(runId);
    writeFileSync(file, 'pulling image\nloading checkpoints\n');

    const log = subscribeLog(runId);
    expect((await log.next(2)).map(({ runLog }) => runLog)).toEqual([
      { runId, lineNumber: 1, text: 'pulling image', backlog: true },
      { runId, lineNumber: 2, text: 'loading checkpoints', backlog: true },
    ]);

    appendFileSync(file, 'step 1/35\nstep 2/');
    expect((await log.next(3))[2]!.runLog).toEqual({ runId, lineNumber: 3, text: 'step 1/35', backlog: false });

    // The rest of the line, a last one without a newline, and the run's end, all at once.
    appendFileSync(file, '35\nexit 0');
    await finish(runId);
    const all = (await log.done(10_000)).map(({ runLog }) => runLog);
    expect(all.slice(3)).toEqual([
      { runId, lineNumber: 4, text: 'step 2/35', backlog: false },
      { runId, lineNumber: 5, text: 'exit 0', backlog: false },
    ]);
  });

  it('sends the whole log of a finished run as backlog and completes', async () => {
    const runId = await requestRun();
    writeFileSync(logFile(runId), 'one\ntwo\n');
    await finish(runId);
    await cosmos.settle();

    const log = subscribeLog(runId);
    expect((await log.done(10_000)).map(({ runLog }) => runLog)).toEqual([
      { runId, lineNumber: 1, text: 'one', backlog: true },
      { runId, lineNumber: 2, text: 'two', backlog: true },
    ]);
  });

  it('waits for a log that does not exist yet', async () => {
    const runId = await requestRun();
    const log = subscribeLog(runId);
    await cosmos.settle(400);
    writeFileSync(logFile(runId), 'container started\n');
    expect((await log.next(1))[0]!.runLog).toEqual({ runId, lineNumber: 1, text: 'container started', backlog: false });
    await finish(runId);
    await log.done(10_000);
  });

  it('refuses an unknown run with a clear error', async () => {
    const runId = ids.run();
    await expect(subscribeLog(runId).next(1)).rejects.toThrow(`Run ${runId} not found`);
  });
});
