import type { EnhanceConfig } from '../../../../libs/domain/src/index.js';
import type { PromptDoc, RunDoc } from '../../../../libs/read-models/src/index.js';
import type { JobOptions } from './job-options.js';

/** An enhancement that passed every check; `runsToDelete` is empty unless OVERWRITE with force. */
export interface CheckedEnhanceRequest extends JobOptions {
  readonly prompt: PromptDoc;
  readonly config: EnhanceConfig;
  readonly runsToDelete: readonly RunDoc[];
}
