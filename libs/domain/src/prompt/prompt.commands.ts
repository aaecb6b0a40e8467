import type { EnhancedFrom, PromptInputs } from './prompt.events.js';

export interface CreatePrompt {
  readonly type: 'CreatePrompt';
  readonly promptId: string;
  /** Raw user text; the decider sanitises and checks it. */
  readonly text: string;
  /** Null: derive one from the text with smartName. */
  readonly name: string | null;
  /** Null or blank: use `defaultNegativePrompt`. */
  readonly negativePrompt: string | null;
  /** Raw user input; null means 'transfer'. */
  readonly modelType: string | null;
  /** Already probed by the application layer. */
  readonly inputs: PromptInputs;
  /** From configuration, read by the application layer. */
  readonly defaultNegativePrompt: string;
  readonly enhancedFrom?: EnhancedFrom | null;
  readonly now: string;
  /** Recorded in the event envelope's metadata, not in the event. */
  readonly actor: string;
}

/** An enhancement run finished and its text overwrites the prompt's. */
export interface ReplacePromptText {
  readonly type: 'ReplacePromptText';
  readonly promptId: string;
  readonly text: string;
  readonly runId: string;
  readonly model: string;
  readonly now: string;
}

/**
 * The prompt stream does not record its runs, so the caller supplies the read model's view of
 * which runs exist and which are still active.
 */
export interface DeletePrompt {
  readonly type: 'DeletePrompt';
  readonly promptId: string;
  readonly deleteOutputs: boolean;
  readonly runIds: readonly string[];
  readonly activeRunIds: readonly string[];
  readonly now: string;
  readonly actor: string;
}

export type PromptCommand = CreatePrompt | ReplacePromptText | DeletePrompt;
