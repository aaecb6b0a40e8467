import type { DomainEvent } from '../shared/domain-event.js';
import type { BatchingMode } from './batch-planner.js';

/** One stream per applied plan: `batchplan-bp_<hex>`. */
export function batchPlanStream(planId: string): string {
  return `batchplan-${planId}`;
}

export interface AppliedBatch {
  readonly batchJobId: string;
  /** The queued jobs the plan meant to merge; a job claimed or cancelled meanwhile stays as it was. */
  readonly sourceJobIds: readonly string[];
}

/**
 * Who reorganised the queue, how, and into which batch jobs: recorded before any job is merged, so
 * history shows the intent even when applying was cut short (verifyIntegrity completes it).
 */
export type BatchPlanApplied = DomainEvent<
  'BatchPlanApplied',
  { planId: string; mode: BatchingMode; maxRunsPerBatch: number; batches: AppliedBatch[]; by: string; at: string }
>;

export type BatchPlanEvent = BatchPlanApplied;

export const BATCH_PLAN_EVENT_TYPES: readonly BatchPlanEvent['type'][] = ['BatchPlanApplied'];
