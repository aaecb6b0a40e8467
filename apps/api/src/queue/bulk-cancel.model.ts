import { createUnionType, Field, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsOptional, IsString } from 'class-validator';
import { ReasonField } from '../graphql/reason.field.js';
import { InvalidInput, UserError } from '../graphql/user-errors.model.js';
import { Job } from '../jobs/job.model.js';

/** The words clearQueue wants, so a stray call cannot empty the queue. */
export const CLEAR_QUEUE_CONFIRMATION = 'CLEAR QUEUE';
/** One request cancels at most this many jobs: each is a command with its own read-model wait. */
export const MAX_JOBS_PER_CANCEL = 500;

export enum JobCancelOutcomeValue {
  CANCELLED = 'CANCELLED',
  CANCEL_REQUESTED = 'CANCEL_REQUESTED',
  ALREADY_ENDED = 'ALREADY_ENDED',
  NOT_FOUND = 'NOT_FOUND',
}
registerEnumType(JobCancelOutcomeValue, {
  name: 'JobCancelOutcome',
  valuesMap: {
    CANCELLED: { description: 'It was queued: cancelled with its runs at once.' },
    CANCEL_REQUESTED: { description: 'A node holds it: its worker kills the container, then records the cancel.' },
    ALREADY_ENDED: { description: 'It had succeeded, failed, been cancelled or merged: nothing changed.' },
    NOT_FOUND: { description: 'No such job.' },
  },
});

@ObjectType()
export class JobCancelResult {
  @Field()
  jobId: string;

  @Field(() => JobCancelOutcomeValue)
  outcome: JobCancelOutcomeValue;

  @Field()
  message: string;

  @Field(() => Job, { nullable: true })
  job: Job | null;
}

@ObjectType({ description: 'One result per job asked for, in the order given.' })
export class JobsCancelled {
  @Field(() => [JobCancelResult])
  results: JobCancelResult[];
}

@ObjectType({ description: 'Every job that was queued is now cancelled with its runs; running jobs were left running.' })
export class QueueCleared {
  @Field(() => [String])
  cancelledJobIds: string[];

  @Field(() => [String], { description: 'Queued when listed, but claimed or ended before they could be cancelled.' })
  skippedJobIds: string[];
}

@ObjectType({ implements: () => [UserError], description: `Nothing changed: repeat with confirm: "${CLEAR_QUEUE_CONFIRMATION}" to cancel these.` })
export class ClearNotConfirmed implements UserError {
  code: string;
  message: string;

  @Field(() => [String], { description: 'The jobs queued now, in queue order.' })
  queuedJobIds: string[];
}

const byClass = (value: object) => value.constructor;

export const CancelJobsResult = createUnionType({ name: 'CancelJobsResult', types: () => [JobsCancelled, InvalidInput] as const, resolveType: byClass });

export const ClearQueueResult = createUnionType({
  name: 'ClearQueueResult',
  types: () => [QueueCleared, ClearNotConfirmed, InvalidInput] as const,
  resolveType: byClass,
});

@InputType()
export class CancelJobsInput {
  @Field(() => [String], { description: `Up to ${MAX_JOBS_PER_CANCEL} job ids; a repeated id is answered once.` })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_JOBS_PER_CANCEL)
  @IsString({ each: true })
  jobIds: string[];

  @ReasonField()
  reason?: string | null;
}

@InputType()
export class ClearQueueInput {
  @ReasonField()
  reason?: string | null;

  @Field(() => String, { nullable: true, description: `"${CLEAR_QUEUE_CONFIRMATION}" to cancel; without it, the answer lists what would be cancelled.` })
  @IsOptional()
  @IsString()
  confirm?: string | null;
}
