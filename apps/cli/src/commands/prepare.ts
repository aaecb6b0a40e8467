import { execFile } from 'node:child_process';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { isValidPromptName, smartName } from '../../../../libs/domain/src/index.js';
import { resolveMediaBinaries } from '../../../../libs/media/src/index.js';
import { CliError, EXIT } from '../client/cli-error.js';
import type { CommandContext } from '../context.js';
import { checkSequences, type Modality, MODALITIES, pngSize } from '../prepare/png-sequences.js';
import { wholeNumber } from './options.js';

/** Where the service reads input folders by default (paths.inputs_root), relative to where it runs. */
const DEFAULT_INPUTS_ROOT = 'inputs/videos';
/** ffmpeg's bound per video: generous per frame, never unbounded. */
const ENCODE_MS_PER_FRAME = 500;
const ENCODE_MIN_MS = 60_000;

export interface PrepareOptions {
  name?: string;
  fps?: string;
  description?: string;
  inputsRoot?: string;
  dryRun?: boolean;
}

/**
 * Turns a folder of PNG sequences into an input folder: color.mp4 (and depth.mp4,
 * segmentation.mp4 when given) plus metadata.json, under the inputs root. Local work, with the
 * ffmpeg the service uses: run it where the service reads its inputs. Everything is checked
 * before anything is written, and the folder appears whole or not at all.
 */
export async function prepare(ctx: CommandContext, inputDir: string, options: PrepareOptions): Promise<void> {
  const source = resolve(inputDir);
  const entries = await readdir(source, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(error.code === 'ENOENT' ? EXIT.notFound : EXIT.usage, `cannot read ${inputDir}: ${error.code ?? error.message}`);
  });
  const folders = entries.filter((entry) => entry.isDirectory()).map((entry) => `unexpected folder ${entry.name}`);
  const check = checkSequences(entries.filter((entry) => !entry.isDirectory()).map((entry) => entry.name));
  const fps = wholeNumber('--fps', options.fps, 1, 120) ?? 24;
  const problems = [...folders, ...check.problems];
  const size = problems.length === 0 ? await frameSize(source, check.frames, problems) : null;
  if (problems.length > 0 || size === null) throw new CliError(EXIT.usage, `${inputDir} cannot be prepared`, problems.map((problem) => ({ field: basename(source), problem })));

  const name = options.name ?? smartName(options.description ?? basename(source));
  // A dot first would make `..` (or a hidden folder) a name: refused as a folder name.
  if (!isValidPromptName(name) || name.startsWith('.')) throw new CliError(EXIT.usage, `--name ${JSON.stringify(name)} is not a valid folder name (letters, digits, _ and -)`);
  const inputsRoot = resolve(options.inputsRoot ?? process.env.COSMOS_INPUTS_ROOT ?? DEFAULT_INPUTS_ROOT);
  const target = join(inputsRoot, name);
  if (await stat(target).then(() => true, () => false)) throw new CliError(EXIT.conflict, `${target} exists already: choose another --name`);

  const modalities = MODALITIES.filter((modality) => check.frames[modality] !== undefined);
  const frames = check.frames.color!.length;
  const metadata = { frames, fps, width: size.width, height: size.height, modalities, source, description: options.description ?? null, createdAt: new Date().toISOString() };
  const plan = { folder: target, videos: modalities.map((modality) => `${modality}.mp4`), ...metadata };
  if (options.dryRun) return ctx.out.json ? ctx.out.document({ ...plan, dryRun: true }) : ctx.out.line(`would make ${target}: ${plan.videos.join(', ')} (${frames} frames at ${fps} fps, ${size.width}x${size.height})`);

  const partial = `${target}.partial-${process.pid}`;
  await mkdir(partial, { recursive: true });
  try {
    const { ffmpeg } = resolveMediaBinaries();
    for (const modality of modalities) {
      ctx.out.note(`encoding ${modality}.mp4 (${frames} frames)…`);
      await encode(ffmpeg, source, modality, check.start, frames, fps, join(partial, `${modality}.mp4`));
    }
    await writeFile(join(partial, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
  if (ctx.out.json) return ctx.out.document(plan);
  ctx.out.line(target);
  ctx.out.note(`prepared ${name}: create a prompt with \`cosmos create prompt TEXT ${name}\``);
}

/** Every frame must be a PNG of one size (the first color frame's). */
async function frameSize(source: string, frames: Partial<Record<Modality, readonly number[]>>, problems: string[]): Promise<{ width: number; height: number } | null> {
  let size: { width: number; height: number } | null = null;
  for (const modality of MODALITIES) {
    for (const frame of frames[modality] ?? []) {
      const file = `${modality}.${String(frame).padStart(4, '0')}.png`;
      const header = Buffer.alloc(24);
      const handle = await open(join(source, file), 'r');
      try {
        await handle.read(header, 0, 24, 0);
      } finally {
        await handle.close();
      }
      const found = pngSize(header);
      if (found === null) problems.push(`${file} is not a PNG image`);
      else if (size === null) size = found;
      else if (found.width !== size.width || found.height !== size.height) problems.push(`${file} is ${found.width}x${found.height}, the first color frame ${size.width}x${size.height}`);
    }
  }
  return problems.length === 0 ? size : null;
}

function encode(ffmpeg: string, source: string, modality: Modality, start: number, frames: number, fps: number, output: string): Promise<void> {
  // H.264 needs even dimensions: an odd edge is padded by one pixel.
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-framerate', String(fps), '-start_number', String(start), '-i', join(source, `${modality}.%04d.png`), '-frames:v', String(frames), '-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', output];
  const timeout = Math.max(ENCODE_MIN_MS, frames * ENCODE_MS_PER_FRAME);
  return new Promise((resolvePromise, reject) => {
    execFile(ffmpeg, args, { timeout, killSignal: 'SIGKILL' }, (error, _stdout, stderr) => {
      if (error === null) return resolvePromise();
      const why = error.killed ? `took longer than ${timeout / 1000} s` : stderr.trim().split('\n').at(-1) || error.message;
      reject(new CliError(EXIT.failed, `ffmpeg could not encode ${modality}.mp4: ${why}`));
    });
  });
}
