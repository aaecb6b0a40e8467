import { isRelativePosixPath } from '../naming/relative-path.js';
import type { ModelType } from '../prompt/prompt.events.js';
import type { FieldProblem } from '../shared/domain-error.js';
import type { CompleteRun, RequestRun } from './run.commands.js';
import type { OutputFile, RunKind } from './run.events.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function requestProblems(command: RequestRun): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (command.kind === 'upscale' && command.sourceRunId === null && command.sourceVideo === null) {
    problems.push({ field: 'input.sourceRunId', problem: 'an upscale needs a source run or a source video' });
  }
  if (command.kind !== 'upscale' && (command.sourceRunId !== null || command.sourceVideo !== null)) {
    problems.push({ field: 'input.sourceRunId', problem: `only upscale runs have a source; this is an ${command.kind} run` });
  }
  if (command.sourceVideo !== null && !isRelativePosixPath(command.sourceVideo)) {
    const problem = `must be relative to the inputs root, with '/' separators and no '..' (got ${JSON.stringify(command.sourceVideo)})`;
    problems.push({ field: 'input.sourceVideo', problem });
  }
  return problems;
}

/**
 * A run completes only with the result it exists for. The predecessor marked runs completed with
 * their video missing; a worker that finds no result must fail the run with MISSING_OUTPUT.
 */
export function completionProblems(run: { kind: RunKind; modelType: ModelType }, command: CompleteRun): FieldProblem[] {
  const problems: FieldProblem[] = command.outputs.flatMap((output, index) =>
    outputProblems(output).map((problem) => ({ field: `input.outputs[${index}]`, problem })),
  );
  const paths = command.outputs.map((output) => output.path);
  const duplicates = [...new Set(paths.filter((path, index) => paths.indexOf(path) !== index))];
  if (duplicates.length > 0) problems.push({ field: 'input.outputs', problem: `lists ${duplicates.join(', ')} more than once` });

  if (run.kind === 'enhance') {
    if (command.enhancedText === null || command.enhancedText.trim() === '') {
      problems.push({ field: 'input.enhancedText', problem: 'an enhance run completes with its enhanced text; fail it with MISSING_OUTPUT instead' });
    }
  } else {
    if (command.enhancedText !== null) {
      problems.push({ field: 'input.enhancedText', problem: `only enhance runs produce enhanced text; this is an ${run.kind} run` });
    }
    // Cosmos Reason describes videos in text; every other model's result is a video.
    const needsVideo = run.modelType !== 'reason';
    const hasResult = command.outputs.some((output) => !needsVideo || output.kind === 'video');
    if (!hasResult) {
      problems.push({
        field: 'input.outputs',
        problem: `a completed ${run.kind} run needs at least one ${needsVideo ? 'video ' : ''}output; fail it with MISSING_OUTPUT instead`,
      });
    }
  }
  return problems;
}

function outputProblems(output: OutputFile): string[] {
  const problems: string[] = [];
  if (output.name.trim() === '') problems.push('name is required');
  if (!isRelativePosixPath(output.path)) {
    problems.push(`path ${JSON.stringify(output.path)} must be relative to the outputs root, with '/' separators and no '..'`);
  }
  if (!(Number.isSafeInteger(output.sizeBytes) && output.sizeBytes >= 0)) {
    problems.push(`sizeBytes must be a whole number ≥ 0 (got ${output.sizeBytes})`);
  }
  if (!SHA256_HEX.test(output.sha256)) problems.push('sha256 must be 64 lower-case hex digits');
  return problems;
}

/** `typeof` guards the JSON boundary: the predecessor let `true` through as the rating 1. */
export function ratingProblem(rating: unknown): string | null {
  if (rating === null) return null;
  if (typeof rating === 'number' && Number.isInteger(rating) && rating >= 1 && rating <= 5) return null;
  return `must be a whole number from 1 to 5, or null to clear it (got ${JSON.stringify(rating)})`;
}
