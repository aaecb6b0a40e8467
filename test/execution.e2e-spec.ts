import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestVideo } from '../libs/media/src/index.js';
import { CosmosHarness } from '../libs/testing/src/cosmos.harness.js';

const REQUEST = `mutation($input: RequestInferenceInput!) {
  requestInference(input: $input) { __typename ... on JobRequested { job { id runIds } } ... on UserError { code message } ... on InvalidInput { fields { field problem } } }
}`;
const JOB = `query($id: String!) { job(id: $id) { id status node attempts stage percent failure { reason message exitCode } runs { id status outputs { name path sizeBytes sha256 kind } } } }`;

describe('jobs run on the simulated GPU node', () => {
  let cosmos: CosmosHarness;
  let prompt: string;

  const waitForJob = async (id: string, statuses: string[], timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { data } = await cosmos.gql(JOB, { id });
      if (statuses.includes(data!.job.status)) return data!.job;
      if (Date.now() > deadline) throw new Error(`job ${id} is ${JSON.stringify(data!.job)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    cosmos = await CosmosHarness.start({ env: { COSMOS_GPU_SIMULATED_DURATION_MS: '300' } });
    await makeTestVideo(join(cosmos.inputsRoot, 'city', 'color.mp4'), { frames: 12 });
    const { data } = await cosmos.gql(`mutation($input: CreatePromptInput!) { createPrompt(input: $input) { ... on PromptCreated { prompt { id } } } }`, {
      input: { text: 'a city at night, "neon" $(rm -rf /) `id`; echo hi', videoDir: 'city' },
    });
    prompt = data!.createPrompt.prompt.id;
  });

  afterAll(async () => {
    await cosmos.stop();
  });

  it('runs an inference job to completion with outputs downloaded and checksummed', async () => {
    const { data } = await cosmos.gql(REQUEST, { input: { promptIds: [prompt], weights: { vis: 0.5, edge: 0.3 } } });
    expect(data!.requestInference.__typename).toBe('JobRequested');
    const job = await waitForJob(data!.requestInference.job.id, ['succeeded', 'failed']);
    expect(job).toMatchObject({ status: 'succeeded', node: 'simulated', attempts: 1, failure: null });
    const [run] = job.runs;
    expect(run.status).toBe('completed');
    const names = run.outputs.map((file: { name: string }) => file.name);
    expect(names).toEqual(expect.arrayContaining(['output.mp4', 'execution.log', 'manifest.json']));
    for (const file of run.outputs) expect(existsSync(join(cosmos.outputsRoot, file.path))).toBe(true);
    expect(readFileSync(join(cosmos.outputsRoot, `run_${run.id}`, 'execution.log'), 'utf8')).toMatch(/\S/);
  });
});
