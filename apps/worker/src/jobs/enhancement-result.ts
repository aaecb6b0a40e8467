import { type JobWork, PROMPT_NAME_MAX_LENGTH, resolveEnhanceConfig, type RunWork } from '../../../../libs/domain/src/index.js';
import type { JobLedger } from './job-ledger.js';

const SUFFIX = '_enhanced';

/** `<name>_enhanced`, the base cut so the whole stays a valid prompt name. */
export function enhancedPromptName(name: string): string {
  return `${name.slice(0, PROMPT_NAME_MAX_LENGTH - SUFFIX.length)}${SUFFIX}`;
}

/** Derived from the run, so recording the result again after a crash finds the prompt it made. */
export function enhancedPromptId(runId: string): string {
  return `ps_${runId.slice('rs_'.length)}`;
}

/**
 * What a completed enhancement leaves behind: CREATE_NEW adds a prompt linked to the original
 * (lineage follows `enhancedFrom`); OVERWRITE replaces the original's text in place.
 */
export async function recordEnhancement(ledger: JobLedger, work: JobWork, run: RunWork, attempt: number, text: string, defaultNegativePrompt: string): Promise<void> {
  const { prompt, runId } = run;
  const config = resolveEnhanceConfig(run.config);
  const from = { jobId: work.jobId, attempt, runId };
  if (config.mode === 'overwrite') {
    await ledger.prompt(prompt.id, { type: 'ReplacePromptText', promptId: prompt.id, text, runId, model: config.model, now: ledger.now() }, `${runId}:replace-text`, from);
    return;
  }
  const promptId = enhancedPromptId(runId);
  await ledger.prompt(
    promptId,
    {
      type: 'CreatePrompt',
      promptId,
      text,
      name: enhancedPromptName(prompt.name),
      negativePrompt: prompt.negativePrompt,
      modelType: prompt.modelType,
      inputs: prompt.inputs,
      defaultNegativePrompt,
      enhancedFrom: { promptId: prompt.id, runId, model: config.model },
      now: ledger.now(),
      actor: work.queuedBy,
    },
    `${runId}:enhanced-prompt`,
    from,
  );
}
