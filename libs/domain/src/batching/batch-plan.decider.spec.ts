import { deciderSpec } from '../../../testing/src/index.js';
import { InvalidInput } from '../shared/domain-error.js';
import { batchPlanDecider, type RecordBatchPlan } from './batch-plan.decider.js';
import { type BatchPlanApplied, batchPlanStream } from './batch-plan.events.js';

const spec = deciderSpec(batchPlanDecider);
const planId = 'bp_0123456789abcdef';
const batches = [{ batchJobId: 'job_baba0000baba0000', sourceJobIds: ['job_0000000000000001', 'job_0000000000000002'] }];
const record = (overrides: Partial<RecordBatchPlan> = {}): RecordBatchPlan => ({
  type: 'RecordBatchPlan',
  planId,
  mode: 'strict',
  maxRunsPerBatch: 16,
  batches,
  now: '2026-11-28T10:00:00.000Z',
  actor: 'ana',
  ...overrides,
});
const applied: BatchPlanApplied = {
  type: 'BatchPlanApplied',
  data: { planId, mode: 'strict', maxRunsPerBatch: 16, batches, by: 'ana', at: '2026-11-28T10:00:00.000Z' },
};

describe('batch plan decider', () => {
  it('records a plan once, under its own stream; a repeat is a no-op', () => {
    expect(batchPlanStream(planId)).toBe('batchplan-bp_0123456789abcdef');
    spec.given([]).when(record()).then([applied]);
    spec.given([applied]).when(record()).then([]);
  });

  it('refuses a malformed plan id and a plan that merges nothing', () => {
    spec.given([]).when(record({ planId: 'plan-1' })).thenThrows(InvalidInput, /planId: must be 'bp_'/);
    spec.given([]).when(record({ batches: [] })).thenThrows(InvalidInput, 'batches: a plan merges at least one batch');
  });
});
