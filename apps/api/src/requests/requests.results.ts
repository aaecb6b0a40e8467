import { createUnionType, Field, ObjectType } from '@nestjs/graphql';
import { CommandAccepted } from '../graphql/command-accepted.model.js';
import { Conflict, InvalidInput, NotFound } from '../graphql/user-errors.model.js';
import { IdempotencyKeyReused } from './requests.errors.model.js';
import { PromptHasActiveRuns, PromptHasRuns } from '../prompts/prompt.errors.model.js';
import { RunActive, RunNotCompleted } from '../runs/run.errors.model.js';
import { Job } from '../jobs/job.model.js';
import { Run } from '../runs/run.model.js';

@ObjectType({ description: 'The job queued for the request (or the one its idempotency key already named) and its runs.' })
export class JobRequested {
  @Field(() => CommandAccepted, { description: "The job stream's command." })
  accepted: CommandAccepted;

  @Field(() => Job, { nullable: true, description: 'Null only when the read model has not caught up (accepted.consistent is false).' })
  job: Job | null;

  @Field(() => [Run])
  runs: Run[];
}

@ObjectType()
export class SpecFile {
  @Field({ description: 'Relative to the remote working folder of the GPU node.' })
  path: string;

  @Field()
  content: string;
}

@ObjectType({ description: 'What a request would send to the model; nothing was queued.' })
export class DryRun {
  @Field(() => [SpecFile])
  specs: SpecFile[];

  @Field(() => [String], { description: 'The model command (argv) for a default single-GPU node.' })
  command: string[];

  @Field(() => [String], { nullable: true, description: 'Placeholder run ids the paths name; a real request gets new ones.' })
  runIds: string[] | null;
}

@ObjectType()
export class JobCancellationAccepted {
  @Field(() => CommandAccepted)
  accepted: CommandAccepted;

  @Field(() => Job, { nullable: true, description: 'cancelled when it was queued; a running job shows cancelRequested until its worker confirms.' })
  job: Job | null;
}

@ObjectType()
export class JobPriorityChanged {
  @Field(() => CommandAccepted)
  accepted: CommandAccepted;

  @Field(() => Job, { nullable: true })
  job: Job | null;
}

const byClass = (value: object) => value.constructor;

export const RequestInferenceResult = createUnionType({
  name: 'RequestInferenceResult',
  types: () => [JobRequested, DryRun, InvalidInput, NotFound, IdempotencyKeyReused, Conflict] as const,
  resolveType: byClass,
});

export const RequestUpscaleResult = createUnionType({
  name: 'RequestUpscaleResult',
  types: () => [JobRequested, DryRun, InvalidInput, NotFound, RunNotCompleted, IdempotencyKeyReused, Conflict] as const,
  resolveType: byClass,
});

export const EnhancePromptResult = createUnionType({
  name: 'EnhancePromptResult',
  // RunActive/NotFound/Conflict: a forced deletion that raced a run starting or being deleted.
  types: () => [JobRequested, InvalidInput, NotFound, PromptHasRuns, PromptHasActiveRuns, RunActive, IdempotencyKeyReused, Conflict] as const,
  resolveType: byClass,
});

export const CancelJobResult = createUnionType({
  name: 'CancelJobResult',
  types: () => [JobCancellationAccepted, NotFound, Conflict, InvalidInput] as const,
  resolveType: byClass,
});

export const SetJobPriorityResult = createUnionType({
  name: 'SetJobPriorityResult',
  types: () => [JobPriorityChanged, NotFound, Conflict, InvalidInput] as const,
  resolveType: byClass,
});

export const RetryJobResult = createUnionType({
  name: 'RetryJobResult',
  types: () => [JobRequested, NotFound, Conflict, InvalidInput] as const,
  resolveType: byClass,
});
