import type { ControlKey, PresetLevel } from './inference-config.js';

/**
 * The hint keys transfer.py accepts (`valid_hint_keys` in inference_utils.py), in source order.
 * Any other dict-valued top-level key is an error (cosmos-transfer1.md §1.3, §2.5).
 */
export const HINT_KEYS = ['vis', 'seg', 'edge', 'depth', 'keypoint', 'upscale', 'hdmap', 'lidar'] as const;
export type HintKey = (typeof HINT_KEYS)[number];

export function isHintKey(key: string): key is HintKey {
  return (HINT_KEYS as readonly string[]).includes(key);
}

/** One hint dict of a controlnet spec (§2.1). */
export interface HintSpec {
  /** A number, a numeric string or a path ending `.pt`; the model defaults it to "0.5". */
  control_weight?: number | string;
  /** Absent or null: generated from the input video (vis, edge, depth, seg, keypoint only). */
  input_control?: string | null;
  ckpt_path?: string;
  input_control_prompt?: string;
  control_weight_prompt?: string;
}

/**
 * A controlnet spec as we emit it. Plain values are the model's args, merged under the CLI:
 * a `--key value` token on the command line wins over the JSON (§1.3). JSON types are not
 * converted by the model, so numbers stay numbers here.
 */
export interface ControlnetSpec {
  prompt?: string;
  negative_prompt?: string;
  input_video_path?: string;
  num_steps?: number;
  guidance?: number;
  sigma_max?: number;
  seed?: number;
  fps?: number;
  blur_strength?: PresetLevel;
  canny_threshold?: PresetLevel;
  vis?: HintSpec;
  seg?: HintSpec;
  edge?: HintSpec;
  depth?: HintSpec;
  keypoint?: HintSpec;
  upscale?: HintSpec;
  hdmap?: HintSpec;
  lidar?: HintSpec;
}

/** A per-line override of one control; we always set both keys so nothing is inherited. */
export interface ControlOverride {
  control_weight: number;
  input_control: string | null;
}

/** One line of a batch JSONL file (§3). */
export interface BatchLine {
  visual_input: string;
  prompt: string;
  control_overrides: Partial<Record<ControlKey, ControlOverride>>;
}
