import { readFileSync } from 'node:fs';
import { CliError, EXIT } from '../client/cli-error.js';
import { resultOf, type Typed } from '../client/service-client.js';
import type { CommandContext } from '../context.js';
import { decimal, oneOf, wholeNumber } from './options.js';
import { waitForJobs } from './wait.js';

const PRESET_LEVELS = ['very_low', 'low', 'medium', 'high', 'very_high'] as const;

const REQUESTED = `__typename
  ... on JobRequested { job { id kind status } runs { id promptId } }
  ... on UserError { code message }
  ... on InvalidInput { fields { field problem } }`;
/** Inference and upscale can answer a dry run; enhancement cannot. */
const ANSWER = `${REQUESTED}
  ... on DryRun { command runIds specs { path content } }`;

interface Requested {
  readonly job: { readonly id: string; readonly kind: string; readonly status: string } | null;
  readonly runs: readonly { readonly id: string; readonly promptId: string }[];
}

export interface InferenceOptions {
  promptsFile?: string;
  weights?: string[];
  steps?: string;
  guidance?: string;
  seed?: string;
  fps?: string;
  sigmaMax?: string;
  blurStrength?: string;
  cannyThreshold?: string;
  negative?: string;
  priority?: string;
  gpus?: string;
  dryRun?: boolean;
  wait?: boolean;
}

/** The model runs with 1, 2, 4 or 8 processes; the service says so too, this says it before the call. */
const GPU_COUNTS = ['1', '2', '4', '8'] as const;
const gpusOf = (value: string | undefined): number | undefined => {
  const count = oneOf('--gpus', value, GPU_COUNTS);
  return count === undefined ? undefined : Number(count);
};

/** One prompt queues an inference job; several one batch_inference job (run i for prompt i). */
export async function inference(ctx: CommandContext, promptIds: readonly string[], options: InferenceOptions): Promise<void> {
  const ids = [...promptIds, ...(options.promptsFile === undefined ? [] : promptsFromFile(options.promptsFile))];
  if (ids.length === 0) throw new CliError(EXIT.usage, 'name at least one prompt: cosmos inference PROMPT_ID… (or --prompts-file F)');
  const input = {
    promptIds: ids,
    weights: weightsOf(options.weights),
    numSteps: wholeNumber('--steps', options.steps, 1, 1000),
    guidance: decimal('--guidance', options.guidance),
    seed: wholeNumber('--seed', options.seed, 0, 2 ** 31 - 1),
    fps: wholeNumber('--fps', options.fps, 1, 120),
    sigmaMax: decimal('--sigma-max', options.sigmaMax),
    blurStrength: oneOf('--blur-strength', options.blurStrength, PRESET_LEVELS),
    cannyThreshold: oneOf('--canny-threshold', options.cannyThreshold, PRESET_LEVELS),
    negativePrompt: options.negative,
    priority: wholeNumber('--priority', options.priority, 0, 100),
    numGpus: gpusOf(options.gpus),
    dryRun: options.dryRun === true ? true : undefined,
  };
  const { requestInference } = await ctx.client.query<{ requestInference: Typed }>(`mutation($input: RequestInferenceInput!) { requestInference(input: $input) { ${ANSWER} } }`, { input });
  await answered(ctx, requestInference, options.wait === true);
}

export async function upscale(ctx: CommandContext, runId: string | undefined, options: { video?: string; prompt?: string; promptId?: string; weight?: string; priority?: string; gpus?: string; dryRun?: boolean; wait?: boolean }): Promise<void> {
  if ((runId === undefined) === (options.video === undefined)) throw new CliError(EXIT.usage, 'name exactly one source: a RUN_ID, or --video PATH (with --prompt-id)');
  const input = {
    sourceRunId: runId,
    sourceVideo: options.video,
    promptId: options.promptId,
    prompt: options.prompt,
    controlWeight: decimal('--weight', options.weight),
    priority: wholeNumber('--priority', options.priority, 0, 100),
    numGpus: gpusOf(options.gpus),
    dryRun: options.dryRun === true ? true : undefined,
  };
  const { requestUpscale } = await ctx.client.query<{ requestUpscale: Typed }>(`mutation($input: RequestUpscaleInput!) { requestUpscale(input: $input) { ${ANSWER} } }`, { input });
  await answered(ctx, requestUpscale, options.wait === true);
}

export async function promptEnhance(ctx: CommandContext, promptIds: readonly string[], options: { createNew?: boolean; overwrite?: boolean; force?: boolean; model?: string; priority?: string; dryRun?: boolean; wait?: boolean }): Promise<void> {
  if (options.createNew && options.overwrite) throw new CliError(EXIT.usage, 'choose one of --create-new (the default) and --overwrite');
  if (options.force && !options.overwrite) throw new CliError(EXIT.usage, '--force only goes with --overwrite (it deletes the runs made from the current text)');
  const mode = options.overwrite ? 'OVERWRITE' : 'CREATE_NEW';
  const priority = wholeNumber('--priority', options.priority, 0, 100);
  if (options.dryRun) {
    for (const promptId of promptIds) {
      const plan = { promptId, mode, force: options.force === true, model: options.model ?? null, priority: priority ?? null };
      if (ctx.out.json) ctx.out.record(plan);
      else ctx.out.line(`${promptId}: would enhance (${mode}${options.force ? ', deleting its runs first' : ''}); nothing queued`);
    }
    return;
  }
  const jobIds: string[] = [];
  for (const promptId of promptIds) {
    const input = { promptId, mode, force: options.force === true, model: options.model, priority };
    const { enhancePrompt } = await ctx.client.query<{ enhancePrompt: Typed }>(`mutation($input: EnhancePromptInput!) { enhancePrompt(input: $input) { ${REQUESTED} } }`, { input });
    jobIds.push(reportRequested(ctx, resultOf<Typed & Requested>(enhancePrompt, 'JobRequested')));
  }
  if (options.wait) await waitForJobs(ctx, jobIds);
}

async function answered(ctx: CommandContext, answer: Typed, wait: boolean): Promise<void> {
  const result = resultOf<Typed & Record<string, any>>(answer, 'JobRequested', 'DryRun');
  if (result.__typename === 'DryRun') {
    if (ctx.out.json) return ctx.out.document({ command: result.command, runIds: result.runIds, specs: result.specs });
    for (const spec of result.specs as { path: string; content: string }[]) {
      ctx.out.line(`# ${spec.path}`);
      ctx.out.line(spec.content);
    }
    ctx.out.line(`# command`);
    ctx.out.line((result.command as string[]).join(' '));
    return;
  }
  const jobId = reportRequested(ctx, result as Typed & Requested);
  if (wait) await waitForJobs(ctx, [jobId]);
}

/** Prints the job (id on stdout, one per line; the whole answer under --json) and answers its id. */
function reportRequested(ctx: CommandContext, requested: Requested): string {
  const jobId = requested.job?.id;
  if (jobId === undefined) throw new CliError(EXIT.failed, 'the service queued the job but did not answer it yet; list it with `cosmos queue ls`');
  if (ctx.out.json) ctx.out.record({ jobId, kind: requested.job!.kind, runs: requested.runs });
  else ctx.out.line(jobId);
  ctx.out.note(`queued ${requested.job!.kind} job ${jobId} with run(s) ${requested.runs.map((run) => run.id).join(', ')}`);
  return jobId;
}

/** `--weights V E D S`: vis, edge, depth, seg. */
function weightsOf(values: readonly string[] | undefined): Record<string, number> | undefined {
  if (values === undefined) return undefined;
  if (values.length !== 4) throw new CliError(EXIT.usage, `--weights takes four numbers, vis edge depth seg (got ${values.length})`);
  const [vis, edge, depth, seg] = values.map((value, index) => decimal(`--weights ${['vis', 'edge', 'depth', 'seg'][index]}`, value)!);
  return { vis: vis!, edge: edge!, depth: depth!, seg: seg! };
}

/** One prompt id per line; blank lines and # comments skipped. */
function promptsFromFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(EXIT.usage, `cannot read --prompts-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '');
}
