import { createUnionType, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Allow, IsString, MaxLength } from 'class-validator';
import { type BatchingMode, DEFAULT_MAX_RUNS_PER_BATCH } from '../../../../libs/domain/src/index.js';
import { CommandAccepted } from '../graphql/command-accepted.model.js';
import { InvalidInput, UserError } from '../graphql/user-errors.model.js';
import { Job } from '../jobs/job.model.js';
import type { BatchOutcome, CurrentPlan } from './smart-batching.service.js';

export enum BatchingModeValue {
  strict = 'strict',
  mixed = 'mixed',
}
registerEnumType(BatchingModeValue, {
  name: 'BatchingMode',
  description:
    'strict: only jobs with the same active controls share a batch (each line runs just its controls). ' +
    'mixed: jobs may differ in controls; the batch loads the union, each line keeps its own weights.',
});

@ObjectType({ description: 'Queued jobs that one model invocation would serve, as one batch_inference job.' })
export class PlannedBatch {
  @Field(() => [Job], { description: 'The queued jobs it would merge, in queue order.' })
  jobs: Job[];

  @Field(() => [String], { description: "Their runs in the batch's line order." })
  runIds: string[];

  @Field(() => [String], { description: 'Controls with weight > 0 in any of its runs.' })
  controls: string[];

  @Field(() => Int, { description: 'The priority its jobs share; jobs of different priorities never merge.' })
  priority: number;

  @Field({ description: "The earliest job's: the batch keeps the first job's place in the queue." })
  queuedAt: Date;
}

@ObjectType({ description: 'What smart batching would do to the queue now. Nothing changes until applySmartBatching.' })
export class BatchPlan {
  @Field(() => BatchingModeValue)
  mode: BatchingModeValue;

  @Field(() => Int)
  maxRunsPerBatch: number;

  @Field({ description: 'Names the queue state this plan was made from; applySmartBatching refuses (StaleBatchPlan) once it changed.' })
  basis: string;

  @Field(() => [PlannedBatch])
  batches: PlannedBatch[];

  @Field(() => Int, { description: 'Queued jobs the plan merges.' })
  jobsMerged: number;

  @Field(() => Int)
  runsBatched: number;

  @Field(() => Int, { description: 'Containers, hence model loads, saved: one per job before, one per batch after.' })
  containersSaved: number;

  static from(current: CurrentPlan): BatchPlan {
    const { plan, basis, jobs } = current;
    return Object.assign(new BatchPlan(), {
      mode: plan.mode as BatchingModeValue,
      maxRunsPerBatch: plan.maxRunsPerBatch,
      basis,
      batches: plan.batches.map((batch) =>
        Object.assign(new PlannedBatch(), {
          jobs: batch.sourceJobIds.map((id) => Job.from(jobs.get(id)!)),
          runIds: [...batch.runIds],
          controls: [...batch.controls],
          priority: batch.priority,
          queuedAt: new Date(batch.queuedAt),
        }),
      ),
      jobsMerged: plan.jobsMerged,
      runsBatched: plan.runsBatched,
      containersSaved: plan.containersSaved,
    });
  }
}

@ObjectType()
export class AppliedBatch {
  @Field(() => ID)
  batchJobId: string;

  @Field(() => Job, { nullable: true, description: 'The batch job as queued; null when none of its jobs could still be merged.' })
  job: Job | null;

  @Field(() => [String], { description: 'Jobs that ended `merged`; their runs now belong to the batch job.' })
  mergedJobIds: string[];

  @Field(() => [String], { description: 'Jobs claimed or cancelled after the plan was made: they stay as they were.' })
  skippedJobIds: string[];

  static from(outcome: BatchOutcome): AppliedBatch {
    const { batchJobId, job, mergedJobIds, skippedJobIds } = outcome;
    return Object.assign(new AppliedBatch(), { batchJobId, job: job && Job.from(job), mergedJobIds: [...mergedJobIds], skippedJobIds: [...skippedJobIds] });
  }
}

@ObjectType()
export class SmartBatchingApplied {
  @Field(() => CommandAccepted)
  accepted: CommandAccepted;

  @Field(() => ID, { description: 'The `batchplan-<planId>` stream records who applied what.' })
  planId: string;

  @Field(() => [AppliedBatch])
  batches: AppliedBatch[];
}

@ObjectType({ implements: () => [UserError], description: 'The queue changed since the plan you looked at: here is the plan for the queue as it is now.' })
export class StaleBatchPlan implements UserError {
  code: string;
  message: string;

  @Field(() => BatchPlan)
  plan: BatchPlan;
}

@ObjectType({ implements: () => [UserError], description: 'No queued jobs can share a batch now.' })
export class NothingToBatch implements UserError {
  code: string;
  message: string;
}

const byClass = (value: object) => value.constructor;

export const SmartBatchPlanResult = createUnionType({ name: 'SmartBatchPlanResult', types: () => [BatchPlan, InvalidInput] as const, resolveType: byClass });

export const ApplySmartBatchingResult = createUnionType({
  name: 'ApplySmartBatchingResult',
  types: () => [SmartBatchingApplied, StaleBatchPlan, NothingToBatch, InvalidInput] as const,
  resolveType: byClass,
});

@InputType()
export class ApplySmartBatchingInput {
  /** Mode and limit are the planner's rules (batchingOptionProblems); repeating them here would be a second source. */
  @Field(() => BatchingModeValue, { defaultValue: BatchingModeValue.strict })
  @Allow()
  mode: BatchingMode;

  @Field(() => Int, { defaultValue: DEFAULT_MAX_RUNS_PER_BATCH, description: 'Runs per batch job, 2..64.' })
  @Allow()
  maxRunsPerBatch: number;

  @Field({ description: 'The `basis` of the smartBatchPlan you reviewed.' })
  @IsString()
  @MaxLength(100)
  basis: string;
}
