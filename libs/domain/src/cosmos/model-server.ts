import type { ControlnetSpec } from './controlnet-spec.js';
import { CONTAINER_ROOT } from './remote-layout.js';

/**
 * cosmos-transfer1's own model server (`server/gradio_app.py`, cosmos-transfer1.md §7): it keeps
 * the pipeline loaded between requests and takes one JSON request per `/generate_video` call.
 * Its rules live here so the request we build and the simulated server judge alike.
 */

/** Plain keys `validate_params` accepts; any other is Python's "unexpected keyword argument". */
export const MODEL_SERVER_ARGS = ['input_video_path', 'prompt', 'negative_prompt', 'guidance', 'num_steps', 'seed', 'sigma_max', 'blur_strength', 'canny_threshold', 'output_dir', 'num_input_frames'] as const;
/** Hint dicts the transfer pipeline factory serves: keypoint is excluded, hdmap/lidar need the AV factory. */
export const MODEL_SERVER_HINTS = ['vis', 'seg', 'edge', 'depth', 'upscale'] as const;
/** The server renders every video at this rate; a job asking another one cannot be served warm. */
export const MODEL_SERVER_FPS = 24;
/** Where the server's container listens (gradio_app.py's `server_port`). */
export const MODEL_SERVER_PORT = 8080;

/** Under the remote dir, as the container sees it: what the server writes, and our inputs, both in its allowed paths. */
export const MODEL_SERVER_OUTPUT_DIR = 'model-server/outputs';
export const MODEL_SERVER_UPLOADS_DIR = 'runs';
/** Ours, not the server's: one folder per submitted attempt, holding the server's event id, so a restarted worker re-reads it. */
export const MODEL_SERVER_REQUESTS_DIR = 'model-server/requests';

export type ModelServerRequest = Record<string, unknown>;

/** The first error the server raises for this request (TypeError/ValueError text), or null. */
export function modelServerRequestProblem(request: ModelServerRequest): string | null {
  for (const [key, value] of Object.entries(request)) {
    const isDict = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (!isDict && !(MODEL_SERVER_ARGS as readonly string[]).includes(key)) return `TypeError: validate_params() got an unexpected keyword argument '${key}'`;
    if (isDict && !(MODEL_SERVER_HINTS as readonly string[]).includes(key)) return `ValueError: Invalid hint_key: ${key}`;
  }
  const hints = hintsOf(request);
  if (hints.length === 0) return 'ValueError: at least one hint is required';
  const hasVideo = typeof request['input_video_path'] === 'string' && request['input_video_path'] !== '';
  for (const key of hints) {
    if (hasVideo) continue;
    if (key === 'vis' || key === 'edge') return `ValueError: Controlnet '${key}' requires an input video. Please specify 'input_video_path'.`;
    const hint = request[key] as Record<string, unknown>;
    if (typeof hint['input_control'] !== 'string') return `ValueError: Controlnet '${key}' requires an 'input_control' video OR input_video_path.`;
  }
  return null;
}

/** The request's hints in a stable order: a change of this set makes the server reload its models. */
export function hintsOf(request: ModelServerRequest): string[] {
  return Object.entries(request)
    .filter(([, value]) => typeof value === 'object' && value !== null && !Array.isArray(value))
    .map(([key]) => key)
    .sort();
}

/**
 * The server request for a single-inference spec, with paths as the container sees them, or why
 * the loaded pipeline cannot serve it (it fixes fps at 24 and takes only its own keys).
 */
export function modelServerRequestOf(spec: ControlnetSpec): { readonly request: ModelServerRequest; readonly hints: string[] } | { readonly incompatible: string } {
  if (spec.fps !== undefined && spec.fps !== MODEL_SERVER_FPS) return { incompatible: `the model server renders at ${MODEL_SERVER_FPS} fps, the job asks ${spec.fps}` };
  const request: ModelServerRequest = {};
  for (const [key, value] of Object.entries(spec) as [string, unknown][]) {
    if (key === 'fps') continue;
    if (typeof value === 'object' && value !== null) {
      const hint = { ...(value as Record<string, unknown>) };
      if (typeof hint['input_control'] === 'string') hint['input_control'] = inContainer(hint['input_control']);
      request[key] = hint;
    } else request[key] = key === 'input_video_path' && typeof value === 'string' ? inContainer(value) : value;
  }
  const problem = modelServerRequestProblem(request);
  if (problem !== null) return { incompatible: `the model server would refuse it: ${problem}` };
  return { request, hints: hintsOf(request) };
}

function inContainer(path: string): string {
  return path.startsWith('/') ? path : `${CONTAINER_ROOT}/${path}`;
}

/** The folder the server reports it saved a video to (`Output saved to: <dir>`), or null. */
export function savedOutputDir(status: string): string | null {
  return /^Output saved to: (.+)$/m.exec(status)?.[1]?.trim() ?? null;
}
