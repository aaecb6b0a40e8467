import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { failHere, modelVoice } from './model-output.js';
import { write, type ProgramContext } from './program.js';
import type { SimulatedBehaviour } from './simulated-behaviour.js';

/** Pixtral is not deterministic; the stand-in is, so tests can name the text they expect. */
export function upsampledPrompt(prompt: string): string {
  const base = prompt.trim() === '' ? 'A video' : prompt.trim();
  return `${base}, cinematic lighting, highly detailed`;
}

/**
 * Our batch wrapper around the Pixtral upsampler (scripts/prompt_upsampler.py, see
 * libs/domain/src/cosmos/prompt-upsampler.builder.ts): reads `--batch`, writes
 * `<--output-dir>/batch_results.json` with one result per entry.
 */
export async function runPromptUpsampler(ctx: ProgramContext, args: readonly string[], behaviour: SimulatedBehaviour): Promise<number> {
  const voice = modelVoice(ctx, { file: 'scripts/prompt_upsampler.py', func: 'main' });
  const batchPath = valueOf(args, '--batch');
  const outputDir = valueOf(args, '--output-dir');
  if (batchPath === undefined || outputDir === undefined) {
    await write(ctx.stderr, 'usage: prompt_upsampler.py --batch BATCH --output-dir OUTPUT_DIR [--checkpoint-dir CHECKPOINT_DIR]\n');
    await write(ctx.stderr, 'prompt_upsampler.py: error: the following arguments are required: --batch, --output-dir\n');
    return 2;
  }
  let batch: unknown;
  try {
    batch = JSON.parse(await readFile(await ctx.resolvePath(batchPath), 'utf8'));
  } catch (error) {
    return voice.crash(`${error instanceof SyntaxError ? 'json.decoder.JSONDecodeError' : 'FileNotFoundError'}: ${(error as Error).message}`);
  }
  if (!Array.isArray(batch)) return voice.crash('TypeError: the batch file must hold a list of {name, prompt, video_path}');

  await voice.log('INFO', `Loading Pixtral-12B for ${batch.length} prompt(s)`);
  if (behaviour.outcome.kind === 'hang') return voice.hang();
  if (!(await voice.sample({ from: 0, to: batch.length, total: batch.length }, behaviour.durationMs))) return voice.hang();
  const failed = await failHere(voice, behaviour);
  if (failed !== null) return failed;

  const results = [];
  for (const item of batch as Record<string, unknown>[]) {
    const name = String(item['name'] ?? '');
    const prompt = typeof item['prompt'] === 'string' ? item['prompt'] : '';
    const videoPath = String(item['video_path'] ?? '');
    const video = await ctx.resolvePath(videoPath).then(stat, () => null).catch(() => null);
    if (video?.isFile() !== true) {
      results.push({ name, original_prompt: prompt, video_path: videoPath, success: false, error: `Video not found: ${videoPath}` });
      continue;
    }
    const upsampled = upsampledPrompt(prompt);
    await voice.log('INFO', `Upsampled prompt for ${name}: ${upsampled.slice(0, 50)}...`);
    results.push({ name, original_prompt: prompt, upsampled_prompt: upsampled, video_path: videoPath, success: true });
  }
  const resultsPath = await ctx.resolvePath(`${outputDir.replace(/\/+$/, '')}/batch_results.json`);
  await mkdir(dirname(resultsPath), { recursive: true });
  await writeFile(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  await voice.log('INFO', `Saved results to ${outputDir}/batch_results.json`);
  return 0;
}

function valueOf(args: readonly string[], name: string): string | undefined {
  const at = args.lastIndexOf(name);
  if (at >= 0) return args[at + 1];
  return args.find((arg) => arg.startsWith(`${name}=`))?.slice(name.length + 1);
}
