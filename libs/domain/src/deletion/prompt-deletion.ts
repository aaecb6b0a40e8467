import type { DeletePrompt } from '../prompt/prompt.commands.js';
import type { DeleteRun } from '../run/run.commands.js';

export interface PromptDeletionRequest {
  readonly promptId: string;
  /** Every run of the prompt as the catalog shows it; an active one is pending or in progress. */
  readonly runs: readonly { readonly runId: string; readonly active: boolean }[];
  readonly deleteOutputs: boolean;
  readonly now: string;
  readonly actor: string;
}

/**
 * What a refusal of a run's deletion means for its prompt's: a run that became active since the
 * catalog was read keeps the prompt (nothing further is deleted); one deleted meanwhile is gone
 * already, and the deletion goes on.
 */
export const RUN_DELETION_REFUSALS = { RUN_ACTIVE: 'keep_prompt', NOT_FOUND: 'go_on' } as const;

export type PromptDeletionStep =
  | { readonly type: 'DeleteRun'; readonly command: DeleteRun; readonly removeOutputs: boolean }
  | { readonly type: 'DeletePrompt'; readonly command: DeletePrompt };

/**
 * Deleting a prompt: its runs first, then the prompt, so a failure part-way leaves a prompt with
 * fewer runs (deleting it again finishes), never runs whose prompt is gone. Events before files: a
 * run's folder goes only once its deletion is stored. With an active run nothing is deleted first:
 * the prompt's aggregate refuses DeletePrompt, naming the active runs.
 */
export function promptDeletionPlan(request: PromptDeletionRequest): PromptDeletionStep[] {
  const { promptId, deleteOutputs, now, actor } = request;
  const runIds = request.runs.map((run) => run.runId);
  const activeRunIds = request.runs.filter((run) => run.active).map((run) => run.runId);
  const prompt: PromptDeletionStep = { type: 'DeletePrompt', command: { type: 'DeletePrompt', promptId, deleteOutputs, runIds, activeRunIds, now, actor } };
  if (activeRunIds.length > 0) return [prompt];
  const runs = runIds.map((runId): PromptDeletionStep => ({ type: 'DeleteRun', command: { type: 'DeleteRun', runId, deleteOutputs, now, actor }, removeOutputs: deleteOutputs }));
  return [...runs, prompt];
}
