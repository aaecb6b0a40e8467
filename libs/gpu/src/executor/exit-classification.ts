import { ExecutionFailure } from './execution-failure.js';
import type { ModelLogFacts } from './model-log.js';

/** docker's exit code for a container ended by SIGKILL: the kernel's OOM killer or `docker kill`. */
export const KILLED_EXIT_CODE = 137;

/** Who stopped the container before it ended by itself, if anyone. */
export type Interruption = 'TIMEOUT' | 'KILLED' | null;

/**
 * The failure a finished container stands for, or null when it succeeded. What the log says beats
 * the bare exit code: a guardrail block and a rejected spec both exit 1 like any other crash.
 */
export function classifyExit(exitCode: number, facts: ModelLogFacts, interruption: Interruption, timeoutMs: number): ExecutionFailure | null {
  if (interruption === 'TIMEOUT') return new ExecutionFailure('TIMEOUT', `the model did not finish within ${timeoutMs} ms and was killed`, exitCode);
  if (interruption === 'KILLED') return new ExecutionFailure('KILLED', 'the run was cancelled and its container killed', exitCode);
  if (exitCode === 0) return null;
  if (facts.guardrail !== null) return new ExecutionFailure('GUARDRAIL_BLOCKED', `the guardrail blocked the prompt: ${facts.guardrail}`, exitCode);
  if (facts.badSpec !== null) return new ExecutionFailure('BAD_SPEC', `the model rejected the spec: ${facts.badSpec}`, exitCode);
  if (exitCode === KILLED_EXIT_CODE) return new ExecutionFailure('OOM_KILLED', 'the container was killed (exit 137), most likely out of memory', exitCode);
  if (facts.cudaOutOfMemory !== null) return new ExecutionFailure('OOM_KILLED', `the model ran out of GPU memory: ${facts.cudaOutOfMemory}`, exitCode);
  const detail = facts.lastException === null ? '' : `: ${facts.lastException}`;
  return new ExecutionFailure('CONTAINER_EXIT', `the model exited with code ${exitCode}${detail}`, exitCode);
}
