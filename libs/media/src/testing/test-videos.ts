import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { resolveMediaBinaries } from '../ffmpeg-binaries.js';
import { MediaToolError } from '../media.errors.js';
import { lastLine, runProcess } from '../run-process.js';

export interface TestVideoOptions {
  readonly width?: number;
  readonly height?: number;
  readonly frames?: number;
  readonly fps?: number;
  readonly codec?: string;
  readonly timeoutMs?: number;
}

/** A synthetic test-pattern video (for tests and demos); tiny by default so suites stay fast. */
export async function makeTestVideo(file: string, options: TestVideoOptions = {}): Promise<void> {
  const { width = 320, height = 180, frames = 24, fps = 24, codec = 'libx264', timeoutMs = 20_000 } = options;
  await mkdir(dirname(file), { recursive: true });
  const args = [
    '-hide_banner', '-loglevel', 'error',
    '-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:rate=${fps}`,
    '-frames:v', String(frames),
    '-c:v', codec,
    '-pix_fmt', 'yuv420p',
    ...(codec === 'libx264' ? ['-preset', 'ultrafast'] : []),
    '-y', file,
  ];
  const result = await runProcess(resolveMediaBinaries().ffmpeg, args, { timeoutMs });
  if (result.status === 'timedOut') throw new MediaToolError(`ffmpeg did not make a test video within ${timeoutMs} ms`);
  if (result.exitCode !== 0) throw new MediaToolError(`ffmpeg could not make a test video: ${lastLine(result.stderr)}`);
}
