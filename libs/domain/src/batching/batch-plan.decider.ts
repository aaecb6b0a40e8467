import type { Decider } from '../shared/decider.js';
import { InvalidInput } from '../shared/domain-error.js';
import type { AppliedBatch, BatchPlanEvent } from './batch-plan.events.js';
import type { BatchingMode } from './batch-planner.js';

export interface RecordBatchPlan {
  readonly type: 'RecordBatchPlan';
  readonly planId: string;
  readonly mode: BatchingMode;
  readonly maxRunsPerBatch: number;
  readonly batches: readonly AppliedBatch[];
  readonly now: string;
  readonly actor: string;
}

export type BatchPlanState = { readonly status: 'NotRecorded' } | { readonly status: 'Recorded' };

const PLAN_ID = /^bp_[0-9a-f]{12,32}$/;

/** A plan is recorded once; recording it again (a repeated apply) changes nothing. */
export const batchPlanDecider: Decider<RecordBatchPlan, BatchPlanEvent, BatchPlanState> = {
  name: 'batch-plan',
  initialState: { status: 'NotRecorded' },

  decide(command, state) {
    if (state.status === 'Recorded') return [];
    if (!PLAN_ID.test(command.planId)) {
      throw new InvalidInput([{ field: 'planId', problem: `must be 'bp_' and 12 to 32 lower-case hex digits (got ${JSON.stringify(command.planId)})` }]);
    }
    if (command.batches.length === 0) throw new InvalidInput([{ field: 'batches', problem: 'a plan merges at least one batch' }]);
    const { planId, mode, maxRunsPerBatch } = command;
    const batches = command.batches.map(({ batchJobId, sourceJobIds }) => ({ batchJobId, sourceJobIds: [...sourceJobIds] }));
    return [{ type: 'BatchPlanApplied', data: { planId, mode, maxRunsPerBatch, batches, by: command.actor, at: command.now } }];
  },

  evolve() {
    return { status: 'Recorded' };
  },
};
