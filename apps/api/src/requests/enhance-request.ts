import type { EnhanceConfig } from '../../../../libs/domain/src/cosmos/inference-config.js';
import type { PromptDoc } from '../../../../libs/read-models/src/prompts/prompt.doc.js';
import type { RunDoc } from '../../../../libs/read-models/src/runs/run.doc.js';
import type { JobOptions } from './job-options.js';

/** An enhancement that passed every check; `runsToDelete` is empty unless OVERWRITE with force. */
export interface CheckedEnhanceRequest extends JobOptions {
  readonly prompt: PromptDoc;
  readonly config: EnhanceConfig;
  readonly runsToDelete: readonly RunDoc[];
}
