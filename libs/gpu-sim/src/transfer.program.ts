import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { type HintKey, isHintKey, TRANSFER_SCRIPT, UPSAMPLER_SCRIPT, validateBatchLines, validateControlnetSpec } from '../../domain/src/index.js';
import { failHere, loadPipeline, modelVoice, type ModelVoice } from './model-output.js';
import { createModelServerProgram, MODEL_SERVER_SCRIPT } from './model-server.program.js';
import { write, type Program, type ProgramContext } from './program.js';
import { runPromptUpsampler, upsampledPrompt } from './prompt-upsampler.program.js';
import type { SimulatedBehaviour } from './simulated-behaviour.js';

/** transfer.py's CLI (reference §1.2): options with a value, and store_true flags. */
const VALUE_ARGS = new Set([
  'prompt', 'negative_prompt', 'input_video_path', 'num_input_frames', 'sigma_max', 'blur_strength', 'canny_threshold',
  'controlnet_specs', 'checkpoint_dir', 'tokenizer_dir', 'video_save_name', 'video_save_folder', 'batch_input_path',
  'batch_size', 'num_steps', 'guidance', 'fps', 'seed', 'num_gpus',
]);
const FLAG_ARGS = new Set([
  'is_av_sample', 'offload_diffusion_transformer', 'offload_text_encoder_model', 'offload_guardrail_models',
  'upsample_prompt', 'offload_prompt_upsampler', 'use_distilled', 'save_input_noise', 'benchmark',
]);
const DEFAULT_PROMPT =
  'The video captures a stunning, photorealistic scene with remarkable attention to detail, giving it a lifelike appearance that is almost indistinguishable from reality. It appears to be from a high-budget 4K movie, showcasing ultra-high-definition quality with impeccable resolution.';
/** Hints the model generates from the RGB video when they have no input_control (reference §2.3). */
const GENERATED_HINTS: readonly HintKey[] = ['vis', 'seg', 'edge', 'depth', 'keypoint'];

type Script = (ctx: ProgramContext, args: readonly string[], underTorchrun: boolean) => Promise<number>;

/** `torchrun` and `python` running the two model entry points our builders launch. */
export function createModelPrograms(behaviour: SimulatedBehaviour): { readonly torchrun: Program; readonly python: Program; readonly python3: Program } {
  const modelServer = createModelServerProgram(behaviour);
  const scripts: Readonly<Record<string, Script>> = {
    [MODEL_SERVER_SCRIPT]: (ctx) => modelServer(ctx),
    [TRANSFER_SCRIPT]: (ctx, args, underTorchrun) => runTransfer(ctx, [...args, ...behaviour.imageModelArgs], underTorchrun, behaviour),
    [UPSAMPLER_SCRIPT]: (ctx, args) => runPromptUpsampler(ctx, args, behaviour),
  };
  const runScript = async (ctx: ProgramContext, script: string | undefined, args: readonly string[], underTorchrun: boolean): Promise<number> => {
    const known = script === undefined ? undefined : scripts[script.replace(/^(\.\/|\/workspace\/)/, '')];
    if (known !== undefined) return known(ctx, args, underTorchrun);
    await write(ctx.stderr, `/usr/bin/python: can't open file '/workspace/${script ?? ''}': [Errno 2] No such file or directory\n`);
    return 2;
  };
  return {
    torchrun: async (ctx) => {
      const args = ctx.argv.slice(1);
      let i = 0;
      // torchrun's own options come first, as `--opt value`, `--opt=value` or a bare `--standalone`.
      while (i < args.length && args[i].startsWith('--')) i += args[i].includes('=') || args[i] === '--standalone' ? 1 : 2;
      // One process per GPU: more processes than the container sees GPUs find no device for the rest.
      const processes = Number(optionValue(args.slice(0, i), 'nproc_per_node') ?? 1);
      const visible = ctx.env['NVIDIA_VISIBLE_DEVICES'];
      if (visible !== undefined && visible !== '' && processes > visible.split(',').length) {
        return modelVoice(ctx, { file: TRANSFER_SCRIPT, func: 'demo' }).crash(`RuntimeError: CUDA error: invalid device ordinal (local_rank ${visible.split(',').length} of ${processes}; the container sees GPUs ${visible})`);
      }
      return runScript(ctx, args[i], args.slice(i + 1), true);
    },
    python: (ctx) => runScript(ctx, ctx.argv[1], ctx.argv.slice(2), false),
    python3: (ctx) => runScript(ctx, ctx.argv[1], ctx.argv.slice(2), false),
  };
}

/** One video the run produces: single mode has one, batch mode one per JSONL line (reference §1.4, §3). */
interface WorkItem {
  readonly input: string;
  readonly prompt: string;
  readonly hints: Readonly<Record<string, Record<string, unknown>>>;
  readonly dir: string;
  readonly video: string;
  readonly promptFile: string;
}

async function runTransfer(ctx: ProgramContext, args: readonly string[], underTorchrun: boolean, behaviour: SimulatedBehaviour): Promise<number> {
  const voice = modelVoice(ctx, { file: TRANSFER_SCRIPT, func: 'demo' });
  const cli = parseTransferArgs(args);
  if ('error' in cli) {
    await write(ctx.stderr, `usage: transfer.py [-h] --controlnet_specs CONTROLNET_SPECS [options]\ntransfer.py: error: ${cli.error}\n`);
    return 2;
  }
  const { values, flags } = cli;
  // Rank 0 reads RANK for the upsampler; plain python has none (reference §1.1).
  if (flags.has('upsample_prompt') && !underTorchrun) return voice.crash("KeyError: 'RANK'");

  const spec = await readJson(ctx, values.get('controlnet_specs')!);
  if ('crash' in spec) return voice.crash(spec.crash);
  const batchPath = values.get('batch_input_path');
  const batchText = batchPath === undefined ? null : await readText(ctx, batchPath);
  if (batchText !== null && typeof batchText !== 'string') return voice.crash(batchText.crash);

  const options = { argv: args, isAvSample: flags.has('is_av_sample'), useDistilled: flags.has('use_distilled'), saveInputNoise: flags.has('save_input_noise') };
  const report = validateControlnetSpec(spec.value, options);
  if (batchText !== null) {
    const batchReport = validateBatchLines(batchText, spec.value);
    report.errors.push(...batchReport.errors);
    report.warnings.push(...batchReport.warnings);
  }
  for (const warning of report.warnings) await voice.log('WARNING', warning);
  if (report.errors.length > 0) return voice.crash(`ValueError: ${report.errors[0]}`);

  const plain = spec.value as Record<string, unknown>;
  const setting = (key: string): unknown => values.get(key) ?? plain[key];
  const items = workItems(plain, batchText, {
    folder: (values.get('video_save_folder') ?? 'outputs/').replace(/\/+$/, ''),
    name: values.get('video_save_name') ?? 'output',
    prompt: String(setting('prompt') ?? DEFAULT_PROMPT),
    input: String(setting('input_video_path') ?? ''),
  });
  for (const item of items) {
    for (const path of [item.input, ...Object.values(item.hints).map((hint) => hint['input_control'])]) {
      if (typeof path === 'string' && !(await isFile(ctx, path))) return voice.crash(`FileNotFoundError: [Errno 2] No such file or directory: '${path}'`);
    }
  }

  if (!(await loadPipeline(ctx, voice, behaviour))) return voice.hang();
  if (batchText !== null) await voice.log('INFO', `Running batch generation with batch_size=${values.get('batch_size') ?? 1}`);
  const steps = Number(setting('num_steps') ?? 35);
  for (const [index, item] of items.entries()) {
    const code = await generate(ctx, voice, behaviour, item, index, { steps, upsample: flags.has('upsample_prompt'), share: behaviour.durationMs / items.length });
    if (code !== 0) return code;
  }
  return 0;
}

async function generate(
  ctx: ProgramContext,
  voice: ModelVoice,
  behaviour: SimulatedBehaviour,
  item: WorkItem,
  index: number,
  run: { readonly steps: number; readonly upsample: boolean; readonly share: number },
): Promise<number> {
  const prompt = run.upsample ? upsampledPrompt(item.prompt) : item.prompt;
  if (run.upsample) await voice.log('INFO', `Upsampled prompt ${index + 1}: ${prompt.slice(0, 50)}...`);
  const { outcome } = behaviour;
  if (outcome.kind === 'guardrailBlock') {
    await voice.log('CRITICAL', `GUARDRAIL BLOCKED: ${outcome.reason ?? 'Blocked by the text guardrail'}`);
    await voice.log('WARNING', `Input text prompt ${index + 1} is not safe`);
    await voice.log('CRITICAL', 'Guardrail blocked generation for entire batch.');
    return voice.crash('TypeError: cannot unpack non-iterable NoneType object');
  }
  await voice.log('INFO', 'Making all control and input videos to be length of 121 frames.');
  await voice.log('INFO', 'Starting diffusion sampling');
  if (outcome.kind === 'hang') return voice.hang();
  const half = Math.floor(run.steps / 2);
  if (!(await voice.sample({ from: 0, to: half, total: run.steps }, (run.share * half) / run.steps))) return voice.hang();
  const failed = await failHere(voice, behaviour);
  if (failed !== null) return failed;
  if (!(await voice.sample({ from: half, to: run.steps, total: run.steps }, (run.share * (run.steps - half)) / run.steps))) return voice.hang();
  await voice.log('INFO', 'Completed diffusion sampling');
  await voice.log('INFO', 'Starting VAE decode');

  const input = await ctx.resolvePath(item.input);
  await mkdir(await ctx.resolvePath(item.dir), { recursive: true });
  for (const [key, hint] of Object.entries(item.hints)) {
    if (GENERATED_HINTS.includes(key as HintKey) && (hint['input_control'] ?? null) === null) {
      await copyFile(input, await ctx.resolvePath(`${item.dir}/${key}_input_control_0.mp4`));
    }
  }
  // The real output is a new video; a copy of the input keeps it a valid mp4 for probes and thumbnails.
  await copyFile(input, await ctx.resolvePath(item.video));
  await voice.log('INFO', `Saved video to ${item.video}`);
  await writeFile(await ctx.resolvePath(item.promptFile), prompt, 'utf8');
  await voice.log('INFO', `Saved prompt to ${item.promptFile}`);
  return 0;
}

function workItems(
  spec: Record<string, unknown>,
  batchText: string | null,
  single: { readonly folder: string; readonly name: string; readonly prompt: string; readonly input: string },
): WorkItem[] {
  const hints = Object.fromEntries(Object.entries(spec).filter(([key]) => isHintKey(key))) as Record<string, Record<string, unknown>>;
  if (batchText === null) {
    const { folder, name } = single;
    return [{ input: single.input, prompt: single.prompt, hints, dir: folder, video: `${folder}/${name}.mp4`, promptFile: `${folder}/${name}.txt` }];
  }
  // validateBatchLines has accepted every line: objects with visual_input and prompt.
  const lines = batchText.split(/\r\n|\r|\n/).filter((line) => line.trim() !== '');
  return lines.map((line, index) => {
    const item = JSON.parse(line) as { visual_input: string; prompt: string; control_overrides?: Record<string, Record<string, unknown>> };
    const merged = Object.fromEntries(Object.entries(hints).map(([key, hint]) => [key, { ...hint, ...item.control_overrides?.[key] }]));
    const dir = `${single.folder}/video_${index}`;
    return { input: item.visual_input, prompt: item.prompt, hints: merged, dir, video: `${dir}/output.mp4`, promptFile: `${dir}/prompt.txt` };
  });
}

function parseTransferArgs(args: readonly string[]): { values: Map<string, string>; flags: Set<string> } | { error: string } {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const unknown: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const [name, inline] = args[i].startsWith('--') ? splitOnce(args[i].slice(2)) : ['', undefined];
    if (VALUE_ARGS.has(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) return { error: `argument --${name}: expected one argument` };
      values.set(name, value);
    } else if (FLAG_ARGS.has(name) && inline === undefined) flags.add(name);
    else unknown.push(args[i]);
  }
  if (unknown.length > 0) return { error: `unrecognized arguments: ${unknown.join(' ')}` };
  if (!values.has('controlnet_specs')) return { error: 'the following arguments are required: --controlnet_specs' };
  return { values, flags };
}

async function readText(ctx: ProgramContext, path: string): Promise<string | { crash: string }> {
  try {
    return await readFile(await ctx.resolvePath(path), 'utf8');
  } catch {
    return { crash: `FileNotFoundError: [Errno 2] No such file or directory: '${path}'` };
  }
}

async function readJson(ctx: ProgramContext, path: string): Promise<{ value: unknown } | { crash: string }> {
  const text = await readText(ctx, path);
  if (typeof text !== 'string') return text;
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { crash: `json.decoder.JSONDecodeError: ${(error as Error).message}` };
  }
}

async function isFile(ctx: ProgramContext, path: string): Promise<boolean> {
  try {
    return (await stat(await ctx.resolvePath(path))).isFile();
  } catch {
    return false;
  }
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** A torchrun option's value, written `--name value` or `--name=value`. */
function optionValue(options: readonly string[], name: string): string | undefined {
  for (const [index, option] of options.entries()) {
    if (option === `--${name}`) return options[index + 1];
    if (option.startsWith(`--${name}=`)) return option.slice(name.length + 3);
  }
  return undefined;
}
