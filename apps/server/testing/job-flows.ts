import { join } from 'node:path';
import { makeTestVideo } from '../../../libs/media/src/index.js';
import { jobStream } from '../../../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore } from '../../../libs/eventstore/src/index.js';
import type { CosmosHarness } from './cosmos.harness.js';

/** What the job e2e tests read back about a job and its runs. */
export const JOB_QUERY = `query($id: String!) {
  job(id: $id) {
    id kind status node attempts stage percent claimedAt finishedAt containerName numGpus gpus retryOf retriedAs
    failure { reason message exitCode } cancellation { by reason }
    runs { id status promptId sourceRunId enhancedText failure { reason message } outputs { name path sizeBytes sha256 kind } }
  }
}`;

const REQUEST_INFERENCE = `mutation($input: RequestInferenceInput!) {
  requestInference(input: $input) { __typename ... on JobRequested { job { id runIds } } ... on UserError { code message } ... on InvalidInput { fields { field problem } } }
}`;

/** A prompt over a fresh 12-frame colour video in `<inputs>/<folder>/`. */
export async function createTestPrompt(cosmos: CosmosHarness, text: string, folder: string, name?: string): Promise<string> {
  await makeTestVideo(join(cosmos.inputsRoot, folder, 'color.mp4'), { frames: 12 });
  const { data, errors } = await cosmos.gql(`mutation($input: CreatePromptInput!) { createPrompt(input: $input) { __typename ... on PromptCreated { prompt { id } } } }`, {
    input: { text, videoDir: folder, ...(name === undefined ? {} : { name }) },
  });
  if (errors || data!.createPrompt.__typename !== 'PromptCreated') throw new Error(`createPrompt: ${JSON.stringify(errors ?? data)}`);
  return data!.createPrompt.prompt.id as string;
}

/**
 * When a job held its node's GPUs, from its own stream: from its claim until its container exited
 * (the 'downloading' stage; its outputs then download while the next job may start).
 */
export async function gpuSpan(cosmos: CosmosHarness, jobId: string): Promise<{ readonly claimed: number; readonly exited: number }> {
  const events = await cosmos.get<EventStore>(EVENT_STORE).readStream(jobStream(jobId));
  const at = (type: string, stage?: string) => {
    const event = events.find((candidate) => candidate.type === type && (stage === undefined || (candidate.data as { stage?: string }).stage === stage));
    if (event === undefined) throw new Error(`job ${jobId} has no ${stage ?? type}`);
    const data = event.data as { claimedAt?: string; at?: string };
    return Date.parse(data.claimedAt ?? data.at!);
  };
  return { claimed: at('JobClaimed'), exited: at('JobStageChanged', 'downloading') };
}

/** Requests inference and answers the queued job's id. */
export async function requestInference(cosmos: CosmosHarness, input: Record<string, unknown>): Promise<string> {
  const { data, errors } = await cosmos.gql(REQUEST_INFERENCE, { input });
  if (errors || data!.requestInference.__typename !== 'JobRequested') throw new Error(`requestInference: ${JSON.stringify(errors ?? data)}`);
  return data!.requestInference.job.id as string;
}

/** Polls `job(id)` until `done(job)` holds (bounded); answers the job as JOB_QUERY reads it. */
export async function waitForJob(cosmos: CosmosHarness, id: string, done: (job: any) => boolean, timeoutMs = 20_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { data, errors } = await cosmos.gql(JOB_QUERY, { id });
    if (errors) throw new Error(JSON.stringify(errors));
    if (done(data!.job)) return data!.job;
    if (Date.now() > deadline) throw new Error(`job ${id} never got there: ${JSON.stringify(data!.job)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export const finished = (job: { status: string }): boolean => ['succeeded', 'failed', 'cancelled', 'merged'].includes(job.status);
