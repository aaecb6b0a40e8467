/** What the forms ask the service for, built from what the user typed (requests.spec.ts). */
import type { CreatedWithin, PresetLevel, RequestInferenceInput, RunFilterInput, RunKind, RunStatus } from '../graphql/generated';

export const CONTROLS = [
  ['vis', 'Vis (blur)'],
  ['edge', 'Edge (Canny)'],
  ['depth', 'Depth'],
  ['seg', 'Segmentation'],
] as const;
export const PRESETS: PresetLevel[] = ['very_low', 'low', 'medium', 'high', 'very_high'];
/** The GPU counts the model is run with; blank leaves it to the service's jobs.inference_gpus. */
export const GPU_COUNTS = ['1', '2', '4', '8'] as const;

export interface InferenceSettings {
  weights: Record<(typeof CONTROLS)[number][0], number>;
  numSteps: string;
  guidance: string;
  sigmaMax: string;
  seed: string;
  fps: string;
  blurStrength: PresetLevel | '';
  cannyThreshold: PresetLevel | '';
  negativePrompt: string;
  priority: string;
  numGpus: (typeof GPU_COUNTS)[number] | '';
}

export const DEFAULT_INFERENCE: InferenceSettings = { weights: { vis: 0.25, edge: 0.25, depth: 0.25, seg: 0.25 }, numSteps: '', guidance: '', sigmaMax: '', seed: '', fps: '', blurStrength: '', cannyThreshold: '', negativePrompt: '', priority: '', numGpus: '' };

/** The request the form describes: blank fields are left to the service's defaults. */
export function inferenceInput(promptIds: readonly string[], settings: InferenceSettings, dryRun: boolean): RequestInferenceInput {
  const number = (text: string) => (text.trim() === '' ? undefined : Number(text));
  const input: RequestInferenceInput = { promptIds: [...promptIds], weights: { ...settings.weights }, dryRun };
  const optional = {
    numSteps: number(settings.numSteps),
    guidance: number(settings.guidance),
    sigmaMax: number(settings.sigmaMax),
    seed: number(settings.seed),
    fps: number(settings.fps),
    priority: number(settings.priority),
    numGpus: number(settings.numGpus),
    blurStrength: settings.blurStrength || undefined,
    cannyThreshold: settings.cannyThreshold || undefined,
    negativePrompt: settings.negativePrompt.trim() || undefined,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) (input as Record<string, unknown>)[key] = value;
  return input;
}


/** The runs list's filters, as the URL holds them, in the service's terms. */
export function runFilterFrom(params: { status: string; kind: string; rating: string; within: string; upscaled: string; search: string }): RunFilterInput {
  return {
    ...(params.status ? { statuses: [params.status as RunStatus] } : {}),
    ...(params.kind ? { kinds: [params.kind as RunKind] } : {}),
    ...(params.rating === 'unrated' ? { rating: { unrated: true } } : params.rating === '5' ? { rating: { exactly: 5 } } : params.rating ? { rating: { atLeast: Number(params.rating) } } : {}),
    ...(params.within ? { createdWithin: params.within as CreatedWithin } : {}),
    ...(params.upscaled ? { upscaled: params.upscaled === 'true' } : {}),
    ...(params.search ? { text: params.search } : {}),
  };
}
