/**
 * The knobs of the simulated GPU host. One mutable object is shared by every stand-in, so a test
 * changes it between jobs (`behaviour.outcome = { kind: 'hang' }`) and the next launch obeys.
 */

/**
 * How the next model process ends; each is a way a real cosmos-transfer1 run ends (reference §3, §8).
 * The model server meets them per request: a `fail` whose exit code is a signal's (≥ 128) kills the
 * server process; any other is the pipeline's exception, which Gradio answers as `Error: …`.
 */
export type ModelOutcome =
  | { readonly kind: 'succeed' }
  /** Dies halfway through sampling: `message` is the last traceback line, e.g. `torch.OutOfMemoryError: CUDA out of memory`. */
  | { readonly kind: 'fail'; readonly exitCode: number; readonly message: string }
  /** Starts sampling and never ends until the container is killed. */
  | { readonly kind: 'hang' }
  /** The guardrail rejects every prompt: the model logs it and then crashes with a TypeError (fact 22). */
  | { readonly kind: 'guardrailBlock'; readonly reason?: string };

export interface SimulatedGpu {
  readonly name: string;
  readonly memoryTotalMiB: number;
  /** What a model process holds on the board while it runs. */
  readonly busyMemoryMiB: number;
  readonly powerLimitW: number;
  readonly maxClockMHz: number;
}

export interface SimulatedBehaviour {
  outcome: ModelOutcome;
  /** Wall time of one model process from start to its outputs; a batch shares it across lines. */
  durationMs: number;
  /**
   * Loading the pipeline onto the GPUs, paid before sampling by every cold transfer.py process and
   * by the model server once at start and again when a request changes the set of hints (§7).
   */
  modelLoadMs: number;
  /** How often the model server's event stream says it is still working (Gradio sends one every 15 s). */
  serverHeartbeatMs: number;
  gpus: SimulatedGpu[];
  /** Image references `docker run` finds locally; any other is "Unable to find image". */
  images: string[];
  driverVersion: string;
  cudaVersion: string;
  /**
   * Arguments the node's image adds to every transfer.py launch, as a site's entrypoint wrapper
   * might (`--use_distilled`): the model then judges our spec under those flags, with its own rules.
   */
  imageModelArgs: string[];
}

export const H100: SimulatedGpu = {
  name: 'NVIDIA H100 80GB HBM3',
  memoryTotalMiB: 81_559,
  busyMemoryMiB: 74_312,
  powerLimitW: 700,
  maxClockMHz: 1980,
};

export const DEFAULT_IMAGE = 'cosmos-transfer1:latest';

export function createSimulatedBehaviour(overrides: Partial<SimulatedBehaviour> = {}): SimulatedBehaviour {
  return {
    outcome: { kind: 'succeed' },
    durationMs: 300,
    modelLoadMs: 0,
    serverHeartbeatMs: 1000,
    gpus: [H100],
    images: [DEFAULT_IMAGE],
    driverVersion: '570.124.06',
    cudaVersion: '12.8',
    imageModelArgs: [],
    ...overrides,
  };
}
