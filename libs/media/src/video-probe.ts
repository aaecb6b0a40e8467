import { stat } from 'node:fs/promises';
import path from 'node:path';
import { resolveMediaBinaries } from './ffmpeg-binaries.js';
import { VideoProbeError } from './media.errors.js';
import { lastLine, runProcess } from './run-process.js';

export interface VideoFacts {
  readonly frames: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  readonly durationSeconds: number;
  readonly codec: string;
  readonly sizeBytes: number;
}

export interface ProbeOptions {
  readonly timeoutMs?: number;
  /** Defaults to `resolveMediaBinaries().ffprobe`. */
  readonly ffprobe?: string;
}

interface FfprobeOutput {
  streams?: Array<Partial<Record<'codec_name' | 'avg_frame_rate' | 'r_frame_rate' | 'nb_frames' | 'nb_read_packets' | 'duration', string>> & {
    width?: number;
    height?: number;
  }>;
  format?: { duration?: string; size?: string };
}

/**
 * Facts about the first video stream. Frames are counted by reading packets (not decoding), so the
 * count is exact even for containers without an `nb_frames` header and stays fast on long videos.
 */
export async function probeVideo(file: string, options: ProbeOptions = {}): Promise<VideoFacts> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const fileStat = await stat(file).catch(() => undefined);
  if (!fileStat) throw new VideoProbeError('MISSING', file, 'file not found');
  if (!fileStat.isFile()) throw new VideoProbeError('NOT_A_FILE', file, 'not a regular file');

  const ffprobe = options.ffprobe ?? resolveMediaBinaries().ffprobe;
  const result = await runProcess(
    ffprobe,
    [
      '-v', 'error',
      '-select_streams', 'v:0',
      '-count_packets',
      '-show_entries', 'stream=codec_name,width,height,avg_frame_rate,r_frame_rate,nb_frames,nb_read_packets,duration:format=duration,size',
      '-of', 'json',
      file,
    ],
    { timeoutMs },
  );
  if (result.status === 'timedOut') throw new VideoProbeError('TIMEOUT', file, `ffprobe did not finish within ${timeoutMs} ms`);
  if (result.exitCode !== 0) {
    // ffprobe prefixes its complaint with the path it was given; keep messages free of server paths.
    const reason = lastLine(result.stderr).split(file).join(path.basename(file));
    throw new VideoProbeError('NOT_A_VIDEO', file, `not a readable video (${reason || `ffprobe exited with ${result.exitCode}`})`);
  }
  return videoFacts(file, parse(file, result.stdout));
}

function parse(file: string, stdout: string): FfprobeOutput {
  try {
    return JSON.parse(stdout) as FfprobeOutput;
  } catch {
    throw new VideoProbeError('NOT_A_VIDEO', file, 'not a readable video (ffprobe printed no JSON)');
  }
}

function videoFacts(file: string, output: FfprobeOutput): VideoFacts {
  const stream = output.streams?.[0];
  if (!stream) throw new VideoProbeError('NOT_A_VIDEO', file, 'not a video (it has no video stream)');
  const frames = integer(stream.nb_frames) ?? integer(stream.nb_read_packets);
  const fps = rational(stream.avg_frame_rate) ?? rational(stream.r_frame_rate);
  const { width, height } = stream;
  if (!frames || !fps || !width || !height) {
    throw new VideoProbeError('NOT_A_VIDEO', file, 'not a readable video (no frames, frame rate or size in its video stream)');
  }
  const duration = decimal(stream.duration) ?? decimal(output.format?.duration) ?? frames / fps;
  return {
    frames,
    fps: round3(fps),
    width,
    height,
    durationSeconds: round3(duration),
    codec: stream.codec_name ?? 'unknown',
    sizeBytes: integer(output.format?.size) ?? 0,
  };
}

function integer(value: string | undefined): number | undefined {
  const n = value === undefined ? NaN : Number(value);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

function decimal(value: string | undefined): number | undefined {
  const n = value === undefined ? NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/** "30000/1001" → 29.97…; "0/0" (unknown) → undefined. */
function rational(value: string | undefined): number | undefined {
  const [num, den] = (value ?? '').split('/').map(Number);
  if (num === undefined || !Number.isFinite(num) || num <= 0) return undefined;
  const ratio = den === undefined ? num : num / den;
  return Number.isFinite(ratio) && ratio > 0 ? ratio : undefined;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
