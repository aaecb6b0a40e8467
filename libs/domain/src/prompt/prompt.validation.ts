import { isValidPromptName, PROMPT_NAME_MAX_LENGTH } from '../naming/prompt-name.js';
import { isRelativePosixPath } from '../naming/relative-path.js';
import { smartName } from '../naming/smart-name.js';
import { type FieldProblem, InvalidInput } from '../shared/domain-error.js';
import type { CreatePrompt } from './prompt.commands.js';
import { MODEL_TYPES, type ModelType, type PromptCreated, type PromptInputs, type VideoFacts } from './prompt.events.js';
import { promptTextProblem, sanitizePromptText } from './prompt-text.js';

/** Smart names for new prompts are cut to this, as the predecessor's create-prompt did. */
export const SMART_NAME_LENGTH = 30;

/** Control videos may differ from the colour video's aspect ratio by this fraction (resize rounding). */
export const ASPECT_RATIO_TOLERANCE = 0.01;

/** Checks every field of a CreatePrompt and reports all problems at once, or returns the event. */
export function promptCreatedFrom(command: CreatePrompt): PromptCreated {
  const problems: FieldProblem[] = [];
  const problem = (field: string, message: string | null) => {
    if (message !== null) problems.push({ field, problem: message });
  };

  problem('input.text', promptTextProblem(command.text, true));
  const text = sanitizePromptText(command.text);

  const name = command.name === null ? smartName(text, SMART_NAME_LENGTH) : command.name.trim();
  if (command.name !== null && !isValidPromptName(name)) {
    problem('input.name', `must be 1 to ${PROMPT_NAME_MAX_LENGTH} characters of letters, digits, '_', '.' or '-' (got ${JSON.stringify(name)})`);
  }

  let negativePrompt = command.defaultNegativePrompt;
  if (command.negativePrompt !== null) {
    problem('input.negativePrompt', promptTextProblem(command.negativePrompt, false));
    negativePrompt = sanitizePromptText(command.negativePrompt) || command.defaultNegativePrompt;
  }

  const requestedModelType = command.modelType ?? 'transfer';
  const modelType = isModelType(requestedModelType) ? requestedModelType : null;
  if (modelType === null) {
    problem('input.modelType', `must be one of ${MODEL_TYPES.join(', ')} (got ${JSON.stringify(requestedModelType)})`);
  }

  for (const message of inputProblems(command.inputs)) problem('input.videoDir', message);

  if (problems.length > 0 || modelType === null) throw new InvalidInput(problems);
  return {
    type: 'PromptCreated',
    data: {
      promptId: command.promptId,
      name,
      text,
      negativePrompt,
      modelType,
      inputs: command.inputs,
      enhancedFrom: command.enhancedFrom ?? null,
      createdAt: command.now,
    },
  };
}

function isModelType(value: string): value is ModelType {
  return (MODEL_TYPES as readonly string[]).includes(value);
}

/**
 * Cosmos conditions every frame on the matching control frame, so control videos must have the
 * colour video's frame count and shape; a mismatch fails late and expensively on the GPU.
 */
export function inputProblems(inputs: PromptInputs): string[] {
  const problems: string[] = [];
  if (inputs.videoDir.trim() === '') problems.push('the input folder is required');

  const videos = [['colour', inputs.color], ['depth', inputs.depth], ['segmentation', inputs.segmentation]] as const;
  for (const [role, video] of videos) {
    if (video !== null) problems.push(...videoProblems(role, video));
  }
  if (problems.length > 0) return problems;

  const color = inputs.color;
  for (const [role, control] of videos.slice(1)) {
    if (control === null) continue;
    if (control.frames !== color.frames) {
      problems.push(
        `the ${role} video ${control.path} has ${control.frames} frames but the colour video ${color.path} has ${color.frames}; ` +
          'control videos must match it frame for frame',
      );
    }
    if (Math.abs(aspectRatio(control) / aspectRatio(color) - 1) > ASPECT_RATIO_TOLERANCE) {
      problems.push(
        `the ${role} video ${control.path} is ${control.width}x${control.height} ` +
          `but the colour video ${color.path} is ${color.width}x${color.height}; their aspect ratios must agree within 1%`,
      );
    }
  }
  return problems;
}

function videoProblems(role: string, video: VideoFacts): string[] {
  const problems: string[] = [];
  if (!isRelativePosixPath(video.path)) {
    problems.push(`the ${role} video path ${JSON.stringify(video.path)} must be relative to the inputs root, with '/' separators and no '..'`);
  }
  if (!(Number.isInteger(video.frames) && video.frames > 0)) problems.push(`the ${role} video ${video.path} has no frames`);
  if (!(video.width > 0 && video.height > 0)) {
    problems.push(`the ${role} video ${video.path} has no picture size (${video.width}x${video.height})`);
  }
  return problems;
}

function aspectRatio(video: VideoFacts): number {
  return video.width / video.height;
}
