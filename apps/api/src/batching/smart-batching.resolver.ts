import { Args, Context, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type BatchingMode, batchingOptionProblems, DEFAULT_MAX_RUNS_PER_BATCH, InvalidInput as InvalidInputError } from '../../../../libs/domain/src/index.js';
import { Requires } from '../auth/requires.decorator.js';
import { toUserError } from '../graphql/domain-error.mapper.js';
import type { RequestContext } from '../graphql/request-context.js';
import {
  AppliedBatch,
  ApplySmartBatchingInput,
  ApplySmartBatchingResult,
  BatchingModeValue,
  BatchPlan,
  NothingToBatch,
  SmartBatchingApplied,
  SmartBatchPlanResult,
  StaleBatchPlan,
} from './smart-batching.model.js';
import { SmartBatching } from './smart-batching.service.js';

@Resolver()
export class SmartBatchingResolver {
  constructor(private readonly batching: SmartBatching) {}

  @Query(() => SmartBatchPlanResult, { description: 'Which queued inference jobs could share a model invocation, as batch_inference jobs. Changes nothing.' })
  async smartBatchPlan(
    @Args('mode', { type: () => BatchingModeValue, defaultValue: BatchingModeValue.strict }) mode: BatchingMode,
    @Args('maxRunsPerBatch', { type: () => Int, defaultValue: DEFAULT_MAX_RUNS_PER_BATCH }) maxRunsPerBatch: number,
  ): Promise<typeof SmartBatchPlanResult> {
    const problems = batchingOptionProblems({ mode, maxRunsPerBatch });
    if (problems.length > 0) return toUserError(new InvalidInputError(problems)) as typeof SmartBatchPlanResult;
    return BatchPlan.from(await this.batching.plan(mode, maxRunsPerBatch));
  }

  @Requires('operator')
  @Mutation(() => ApplySmartBatchingResult, {
    description:
      'Merges the planned jobs into batch_inference jobs, if the queue is still as `basis` says. A job claimed or cancelled meanwhile is left as it was.',
  })
  async applySmartBatching(@Context() request: RequestContext, @Args('input') input: ApplySmartBatchingInput): Promise<typeof ApplySmartBatchingResult> {
    const { mode, maxRunsPerBatch, basis } = input;
    const problems = batchingOptionProblems({ mode, maxRunsPerBatch });
    if (problems.length > 0) throw new InvalidInputError(problems);
    const outcome = await this.batching.apply(mode, maxRunsPerBatch, basis, request);
    switch (outcome.status) {
      case 'stale':
        return Object.assign(new StaleBatchPlan(), {
          code: 'STALE_BATCH_PLAN',
          message: 'The queue changed since that plan was made; review this one and apply it with its basis',
          plan: BatchPlan.from(outcome.current),
        });
      case 'nothing':
        return Object.assign(new NothingToBatch(), { code: 'NOTHING_TO_BATCH', message: 'No queued jobs can share a batch now' });
      case 'applied':
        return Object.assign(new SmartBatchingApplied(), {
          accepted: outcome.accepted,
          planId: outcome.planId,
          batches: outcome.batches.map((batch) => AppliedBatch.from(batch)),
        });
    }
  }
}
