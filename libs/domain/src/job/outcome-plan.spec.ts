import { outcomePlan, type RunFailureFacts, type RunOutcomeFacts } from './outcome-plan.js';

const OOM: RunFailureFacts = { reason: 'OOM_KILLED', message: 'out of memory', exitCode: 137 };
const KILLED: RunFailureFacts = { reason: 'KILLED', message: 'killed', exitCode: null };
const completed = (runId: string, enhancedText: string | null = null): RunOutcomeFacts => ({ runId, status: 'completed', enhancedText });
const failed = (runId: string, failure: RunFailureFacts = OOM): RunOutcomeFacts => ({ runId, status: 'failed', failure });

describe('outcomePlan', () => {
  it('given a batch with one good run, records each run in order, then the job succeeded with one failed run', () => {
    expect(outcomePlan([failed('rs_1'), completed('rs_2')], false)).toEqual({
      cancel: false,
      steps: [{ type: 'FailRun', runId: 'rs_1', failure: OOM }, { type: 'CompleteRun', runId: 'rs_2' }, { type: 'SucceedJob', failedRuns: 1 }],
    });
  });

  it('given no run succeeded, fails the job with the first failure', () => {
    const plan = outcomePlan([failed('rs_1'), failed('rs_2', KILLED)], false);
    expect(plan.cancel === false && plan.steps.at(-1)).toEqual({ type: 'FailJob', failure: OOM });
  });

  it('given an enhancement, records its text right after its run', () => {
    const plan = outcomePlan([completed('rs_1', 'a harbour, cinematic lighting')], false);
    expect(plan).toEqual({
      cancel: false,
      steps: [{ type: 'CompleteRun', runId: 'rs_1' }, { type: 'RecordEnhancement', runId: 'rs_1', text: 'a harbour, cinematic lighting' }, { type: 'SucceedJob', failedRuns: 0 }],
    });
  });

  it("given the owner's cancel killed it with nothing to show, ends it cancelled; a result that arrived first still counts", () => {
    expect(outcomePlan([failed('rs_1', KILLED)], true)).toEqual({ cancel: true });
    expect(outcomePlan([], true)).toEqual({ cancel: true });
    expect(outcomePlan([completed('rs_1')], true)).toMatchObject({ cancel: false, steps: [{ type: 'CompleteRun' }, { type: 'SucceedJob' }] });
  });

  it('given no outcome at all, fails the job REMOTE_ERROR', () => {
    expect(outcomePlan([], false)).toEqual({ cancel: false, steps: [{ type: 'FailJob', failure: { reason: 'REMOTE_ERROR', message: 'the job produced no run outcome', exitCode: null } }] });
  });
});
