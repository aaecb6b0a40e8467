import type { ModelType, PromptInputs, QueuedPrompt } from '../../../domain/src/index.js';

/** One OVERWRITE enhancement: the text it replaced, by which run and model. */
export interface TextReplacement {
  readonly runId: string;
  readonly model: string;
  readonly at: string;
  readonly previousText: string;
}

/** The `prompts` read model: one document per prompt that exists (deleted prompts leave it). */
export interface PromptDoc {
  readonly id: string;
  readonly name: string;
  readonly text: string;
  readonly negativePrompt: string;
  readonly modelType: ModelType;
  readonly inputs: PromptInputs;
  /** Created by a CREATE_NEW enhancement, or text replaced by an OVERWRITE one. */
  readonly enhanced: boolean;
  readonly enhancedFrom: { readonly promptId: string; readonly runId: string; readonly model: string; readonly at: string } | null;
  readonly textReplacements: readonly TextReplacement[];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly [field: string]: unknown;
}

/** The prompt as a job queues it: what its runs generate from, whatever the prompt becomes while they wait. */
export function asQueuedPrompt(prompt: PromptDoc): QueuedPrompt {
  const { text, negativePrompt, name, modelType, inputs } = prompt;
  return { text, negativePrompt, name, modelType, inputs };
}
