import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertNever, buildUpsamplerBatch, type EnhanceConfig, type EnhanceLaunch, onHost, type OutputFile, parseUpsamplerResult, type PromptInputs, type UpsamplerResult } from '../../../domain/src/index.js';
import { TransferFailed } from '../gpu.errors.js';
import { download } from '../sftp-transfer.js';
import type { ContainerExecution } from './container-run.js';
import { ExecutionFailure } from './execution-failure.js';
import { executeOneRun, type RunExecutionResult } from './one-run.execution.js';
import { describeLocalFile, percentOf, type RunFolder } from './run-outputs.js';

const RESULTS_NAME = 'batch_results.json';
/** Named like transfer.py's batch-mode prompt file: the final prompt text of the run. */
const PROMPT_TEXT_NAME = 'prompt.txt';

export interface EnhanceExecution extends ContainerExecution {
  readonly run: {
    readonly runId: string;
    readonly prompt: { readonly text: string; readonly inputs: PromptInputs };
    readonly config: EnhanceConfig;
  };
}

export interface EnhanceResult extends RunExecutionResult {
  readonly enhancedText: string;
}

/**
 * Runs the Pixtral prompt upsampler for one prompt on a GPU node, with the single executor's life
 * cycle and idempotency. The text is taken from the upsampler's batch_results.json, never from the
 * exit status alone, and kept as `run_<runId>/prompt.txt`; the text is always read back from that
 * file, so a repeat answered from the manifest returns the same text without touching the node.
 */
export class EnhanceExecutor {
  async execute(request: EnhanceExecution): Promise<EnhanceResult> {
    const { run } = request;
    const result = await executeOneRun(request, {
      kind: 'enhance',
      runId: run.runId,
      build: () => this.launch(request),
      collect: (launch, folder) => collectEnhancedPrompt(launch, folder, run.runId),
    });
    return { ...result, enhancedText: await readEnhancedText(request.outputsRoot, result.outputs) };
  }

  /** What the container needs on the node and runs: also what staging uploads ahead. */
  launch({ run }: EnhanceExecution): EnhanceLaunch {
    return buildUpsamplerBatch({ runId: run.runId, prompt: run.prompt, config: run.config });
  }
}

/**
 * The text of an upsampler result, or the failure it stands for. The container exited 0 in every
 * case: the wrapper catches a prompt's error so the rest of a batch goes on.
 */
export function enhancedTextOf(result: UpsamplerResult): string {
  switch (result.status) {
    case 'upsampled':
      return result.text;
    case 'failed':
      // CONTAINER_EXIT, not REMOTE_ERROR: the model itself failed on this prompt (Pixtral raised,
      // or its video was not there), which a bare script would have reported as a non-zero exit;
      // REMOTE_ERROR stands for docker and the host failing, not the model.
      return fail('CONTAINER_EXIT', result.message);
    case 'unreadable':
      return fail('MISSING_OUTPUT', result.message);
    default:
      return assertNever(result);
  }
}

async function collectEnhancedPrompt(launch: EnhanceLaunch, folder: RunFolder, runId: string): Promise<OutputFile[]> {
  const resultsFile = join(folder.localDir, RESULTS_NAME);
  await download(folder.connection, onHost(folder.remoteDir, launch.resultsPath), resultsFile, {
    onProgress: ({ transferredBytes, totalBytes }) => folder.onProgress(percentOf(transferredBytes, totalBytes)),
  }).catch((error: unknown) => {
    if (error instanceof TransferFailed && error.reason === 'REMOTE_MISSING') {
      throw new ExecutionFailure('MISSING_OUTPUT', `the prompt upsampler exited 0 but left no ${launch.resultsPath}`, 0, { cause: error });
    }
    throw error;
  });
  const text = enhancedTextOf(parseUpsamplerResult(await readFile(resultsFile, 'utf8'), runId));
  const promptFile = join(folder.localDir, PROMPT_TEXT_NAME);
  await writeFile(promptFile, text, 'utf8');
  return [await describeLocalFile(folder.outputsRoot, resultsFile, 'json'), await describeLocalFile(folder.outputsRoot, promptFile, 'text')];
}

async function readEnhancedText(outputsRoot: string, outputs: readonly OutputFile[]): Promise<string> {
  const promptFile = outputs.find(({ name }) => name === PROMPT_TEXT_NAME);
  if (promptFile === undefined) return fail('MISSING_OUTPUT', `the enhancement's outputs hold no ${PROMPT_TEXT_NAME}`);
  return readFile(join(outputsRoot, promptFile.path), 'utf8');
}

function fail(reason: 'CONTAINER_EXIT' | 'MISSING_OUTPUT', message: string): never {
  throw new ExecutionFailure(reason, message, 0);
}
