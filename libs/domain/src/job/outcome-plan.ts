import type { FailureReason } from '../run/run.events.js';

export interface RunFailureFacts {
  readonly reason: FailureReason;
  readonly message: string;
  readonly exitCode: number | null;
}

/** What one run of an attempt came to, as far as recording it goes. */
export type RunOutcomeFacts =
  | { readonly runId: string; readonly status: 'completed'; readonly enhancedText: string | null }
  | { readonly runId: string; readonly status: 'failed'; readonly failure: RunFailureFacts };

export type OutcomeStep =
  | { readonly type: 'FailRun'; readonly runId: string; readonly failure: RunFailureFacts }
  | { readonly type: 'CompleteRun'; readonly runId: string }
  | { readonly type: 'RecordEnhancement'; readonly runId: string; readonly text: string }
  | { readonly type: 'SucceedJob'; readonly failedRuns: number }
  | { readonly type: 'FailJob'; readonly failure: RunFailureFacts };

/** `cancel`: confirm the owner's cancel and end every run with its reason; otherwise record the steps in order. */
export type OutcomePlan = { readonly cancel: true } | { readonly cancel: false; readonly steps: readonly OutcomeStep[] };

const NO_OUTCOME: RunFailureFacts = { reason: 'REMOTE_ERROR', message: 'the job produced no run outcome', exitCode: null };

/**
 * How an attempt's outcomes are recorded, in order. Runs first, then the job: a crash in between
 * leaves a claimed job whose recovery finalizes it again, and the steps already written are
 * recognised by their command ids. A completed enhancement records its text right after its run.
 * An attempt killed on the owner's request with nothing to show ends cancelled, as asked; a batch
 * succeeds when any of its runs did (the failed ones carry their own reasons); a job with no
 * outcome at all fails REMOTE_ERROR.
 */
export function outcomePlan(outcomes: readonly RunOutcomeFacts[], cancelled: boolean): OutcomePlan {
  if (cancelled && outcomes.every((outcome) => outcome.status === 'failed')) return { cancel: true };
  const steps: OutcomeStep[] = outcomes.flatMap((outcome): OutcomeStep[] => {
    if (outcome.status === 'failed') return [{ type: 'FailRun', runId: outcome.runId, failure: outcome.failure }];
    const complete: OutcomeStep = { type: 'CompleteRun', runId: outcome.runId };
    return outcome.enhancedText === null ? [complete] : [complete, { type: 'RecordEnhancement', runId: outcome.runId, text: outcome.enhancedText }];
  });
  const failures = outcomes.flatMap((outcome) => (outcome.status === 'failed' ? [outcome.failure] : []));
  steps.push(failures.length < outcomes.length ? { type: 'SucceedJob', failedRuns: failures.length } : { type: 'FailJob', failure: failures[0] ?? NO_OUTCOME });
  return { cancel: false, steps };
}
