import { randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { resolveMediaBinaries } from './ffmpeg-binaries.js';
import { MediaToolError } from './media.errors.js';
import { lastLine, runProcess } from './run-process.js';

export interface ThumbnailOptions {
  readonly width?: number;
  readonly height?: number;
  readonly atSeconds?: number;
  readonly timeoutMs?: number;
  /** Defaults to `resolveMediaBinaries().ffmpeg`. */
  readonly ffmpeg?: string;
}

/**
 * Writes a JPEG of one frame, letterboxed to exactly width x height, unless `out` already exists.
 * Returns whether it wrote one. The frame is written under a temporary name and renamed, so a
 * gallery never sees a half-written file and a killed ffmpeg leaves nothing behind.
 */
export async function makeThumbnail(video: string, out: string, options: ThumbnailOptions = {}): Promise<boolean> {
  const { width = 384, height = 216, atSeconds = 0.5, timeoutMs = 10_000 } = options;
  if (await exists(out)) return false;
  await mkdir(path.dirname(out), { recursive: true });
  const partial = `${out}.${randomBytes(4).toString('hex')}.partial`;
  const grab = (seconds: number): Promise<boolean> =>
    grabFrame(options.ffmpeg ?? resolveMediaBinaries().ffmpeg, video, partial, { width, height, seconds, timeoutMs });
  try {
    // A seek past the end yields no frame without failing: fall back to the first frame.
    const grabbed = (await grab(atSeconds)) || (atSeconds > 0 && (await grab(0)));
    if (!grabbed) throw new MediaToolError(`ffmpeg found no frame to thumbnail in ${path.basename(video)}`);
    await rename(partial, out);
    return true;
  } finally {
    await rm(partial, { force: true });
  }
}

/** Whether ffmpeg wrote a non-empty frame. */
async function grabFrame(
  ffmpeg: string,
  input: string,
  output: string,
  { width, height, seconds, timeoutMs }: { width: number; height: number; seconds: number; timeoutMs: number },
): Promise<boolean> {
  const scale = `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2`;
  const result = await runProcess(
    ffmpeg,
    // `-f mjpeg`: one raw JPEG frame is a JPEG file, and unlike image2 it never reads `%` in the name as a pattern.
    ['-hide_banner', '-loglevel', 'error', '-ss', String(seconds), '-i', input, '-frames:v', '1', '-vf', scale, '-q:v', '5', '-f', 'mjpeg', '-y', output],
    { timeoutMs },
  );
  if (result.status === 'timedOut') {
    throw new MediaToolError(`ffmpeg did not make a thumbnail of ${path.basename(input)} within ${timeoutMs} ms`);
  }
  if (result.exitCode !== 0) {
    throw new MediaToolError(`ffmpeg could not make a thumbnail of ${path.basename(input)}: ${lastLine(result.stderr)}`);
  }
  const written = await stat(output).catch(() => undefined);
  return (written?.size ?? 0) > 0;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
