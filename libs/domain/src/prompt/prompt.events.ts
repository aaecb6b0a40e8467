import type { DomainEvent } from '../shared/domain-event.js';

/** One stream per prompt: `prompt-ps_<32 hex>`. */
export function promptStream(promptId: string): string {
  return `prompt-${promptId}`;
}

export const MODEL_TYPES = ['transfer', 'enhance', 'upscale', 'reason', 'predict'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

/** What probing a video found, so nothing downstream has to open the file again to know its shape. */
export interface VideoFacts {
  /** Relative to the inputs root, posix separators. */
  path: string;
  frames: number;
  fps: number;
  width: number;
  height: number;
  durationSeconds: number;
  codec: string;
  sizeBytes: number;
}

/** A prepared input folder: the colour video, plus control videos used instead of generated ones. */
export interface PromptInputs {
  videoDir: string;
  color: VideoFacts;
  depth: VideoFacts | null;
  segmentation: VideoFacts | null;
}

/** The enhancement run (and its model) whose text became this prompt. */
export interface EnhancedFrom {
  promptId: string;
  runId: string;
  model: string;
}

export type PromptCreated = DomainEvent<
  'PromptCreated',
  {
    promptId: string;
    name: string;
    text: string;
    negativePrompt: string;
    modelType: ModelType;
    inputs: PromptInputs;
    enhancedFrom: EnhancedFrom | null;
    createdAt: string;
  }
>;

/** An enhancement that overwrote the prompt's text in place instead of creating a new prompt. */
export type PromptTextReplaced = DomainEvent<'PromptTextReplaced', { text: string; runId: string; model: string; replacedAt: string }>;

export type PromptDeleted = DomainEvent<
  'PromptDeleted',
  {
    deletedAt: string;
    deletedBy: string;
    deleteOutputs: boolean;
    /** The prompt's runs, deleted with it. */
    runIds: string[];
  }
>;

export type PromptEvent = PromptCreated | PromptTextReplaced | PromptDeleted;

export const PROMPT_EVENT_TYPES: readonly PromptEvent['type'][] = ['PromptCreated', 'PromptTextReplaced', 'PromptDeleted'];
