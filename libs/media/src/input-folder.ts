import { lstat, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { controlMismatches } from './control-match.js';
import { InputFolderError, VideoProbeError } from './media.errors.js';
import { probeVideo, type VideoFacts } from './video-probe.js';

export interface InputFolder {
  /** Real path (symlinks resolved), inside the real path of the inputs root. */
  readonly absolute: string;
  /** Relative to the inputs root, posix separators; "." for the root itself. */
  readonly relative: string;
}

export interface InputVideo extends VideoFacts {
  /** Relative to the inputs root, posix separators, named as in the folder (e.g. "city/color.mp4"). */
  readonly path: string;
}

export interface ScannedInputs {
  readonly videoDir: string;
  readonly color: InputVideo;
  readonly depth?: InputVideo;
  readonly segmentation?: InputVideo;
}

export interface ScanOptions {
  readonly probe?: (file: string) => Promise<VideoFacts>;
}

/** The input convention: color.mp4 is required, provided depth/segmentation become input controls. */
const VIDEO_FILES = [
  ['color', 'color.mp4'],
  ['depth', 'depth.mp4'],
  ['segmentation', 'segmentation.mp4'],
] as const;

export async function resolveInputFolder(inputsRoot: string, videoDir: string): Promise<InputFolder> {
  const { folder } = await confine(inputsRoot, videoDir);
  return folder;
}

/**
 * Resolves a user-supplied folder and describes the videos in it, checking the controls against
 * color.mp4 the way the model will use them. Reports every mismatched control at once.
 */
export async function scanInputVideos(inputsRoot: string, videoDir: string, options: ScanOptions = {}): Promise<ScannedInputs> {
  const probe = options.probe ?? probeVideo;
  const { root, folder } = await confine(inputsRoot, videoDir);
  const located = [];
  for (const [kind, fileName] of VIDEO_FILES) {
    const file = await locateVideo(root, folder, fileName);
    if (file) located.push({ kind, fileName, ...file });
  }
  if (located[0]?.kind !== 'color') {
    throw new InputFolderError('COLOR_VIDEO_MISSING', `Input folder "${folder.relative}" has no color.mp4, which is required`);
  }

  const probed = await Promise.allSettled(located.map((file) => probe(file.absolute)));
  const [color, ...controls] = located.map((file, i) => {
    const outcome = probed[i];
    if (outcome.status === 'rejected') {
      if (outcome.reason instanceof VideoProbeError) {
        throw new InputFolderError('UNREADABLE_VIDEO', `${file.relative}: ${outcome.reason.detail}`);
      }
      throw outcome.reason;
    }
    const video: InputVideo = { path: file.relative, ...outcome.value };
    return { ...file, video };
  });

  const problems = controls.flatMap((control) =>
    controlMismatches({ name: control.fileName, ...control.video }, { name: color.fileName, ...color.video }),
  );
  if (problems.length > 0) {
    throw new InputFolderError('CONTROL_MISMATCH', `Input folder "${folder.relative}": ${problems.join('; ')}`, problems);
  }
  return {
    videoDir: folder.relative,
    color: color.video,
    ...Object.fromEntries(controls.map((control) => [control.kind, control.video])),
  };
}

/** The containers the upscaler reads a source video from (cosmos-transfer1.md §4). */
export const INPUT_VIDEO_EXTENSIONS = ['.mp4', '.mov', '.avi', '.mkv'] as const;

/**
 * Resolves a user-supplied video file (an upscale source) under the inputs root, with the same
 * confinement as folders. Answers the path relative to the inputs root, posix separators.
 */
export async function resolveInputVideoFile(inputsRoot: string, file: string): Promise<string> {
  const named = `Video "${file}"`;
  const extension = path.extname(file).toLowerCase();
  if (!(INPUT_VIDEO_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new InputFolderError('UNSUPPORTED_VIDEO_TYPE', `${named} must end in one of ${INPUT_VIDEO_EXTENSIONS.join(' ')}`);
  }
  const { root, real } = await confinePath(inputsRoot, file, named, 'No video file given');
  if (!(await stat(real)).isFile()) throw new InputFolderError('UNREADABLE_VIDEO', `${named} is not a regular file`);
  // The real path's own extension counts too: a link named .mp4 to some other file is refused.
  if (path.extname(real).toLowerCase() !== extension) {
    throw new InputFolderError('UNSUPPORTED_VIDEO_TYPE', `${named} links to a file that does not end in ${extension}`);
  }
  return toPosix(path.relative(root, real));
}

async function confine(inputsRoot: string, videoDir: string): Promise<{ root: string; folder: InputFolder }> {
  const named = `Input folder "${videoDir}"`;
  const { root, real } = await confinePath(inputsRoot, videoDir, named, 'No input folder given');
  if (!(await stat(real)).isDirectory()) throw new InputFolderError('NOT_A_DIRECTORY', `${named} is a file, not a folder`);
  return { root, folder: { absolute: real, relative: toPosix(path.relative(root, real)) || '.' } };
}

/**
 * Confines `given` to the inputs root twice: lexically (no `..` escape, no foreign absolute
 * path) before touching the disk, then by real path, which catches a symlink in any component.
 */
async function confinePath(inputsRoot: string, given: string, named: string, missing: string): Promise<{ root: string; real: string }> {
  if (given.trim() === '') throw new InputFolderError('NOT_FOUND', missing);
  const root = await realpath(inputsRoot).catch(() => {
    throw new InputFolderError('NOT_FOUND', `${named} does not exist: the inputs folder itself is missing`);
  });
  const givenRoot = path.resolve(inputsRoot);
  const candidate = path.isAbsolute(given) ? path.resolve(given) : path.resolve(givenRoot, given);
  if (!within(givenRoot, candidate) && !within(root, candidate)) {
    throw new InputFolderError('OUTSIDE_INPUTS_ROOT', `${named} is outside the inputs folder`);
  }
  const real = await realpath(candidate).catch(() => {
    throw new InputFolderError('NOT_FOUND', `${named} does not exist in the inputs folder`);
  });
  if (!within(root, real)) throw new InputFolderError('OUTSIDE_INPUTS_ROOT', `${named} links outside the inputs folder`);
  return { root, real };
}

async function locateVideo(root: string, folder: InputFolder, fileName: string): Promise<{ absolute: string; relative: string } | undefined> {
  const named = path.join(folder.absolute, fileName);
  const relative = path.posix.join(folder.relative, fileName);
  try {
    await lstat(named);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputFolderError('UNREADABLE_VIDEO', `${relative} cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  const real = await realpath(named).catch(() => {
    throw new InputFolderError('UNREADABLE_VIDEO', `${relative} is a link to a file that does not exist`);
  });
  if (!within(root, real)) throw new InputFolderError('OUTSIDE_INPUTS_ROOT', `${relative} links outside the inputs folder`);
  if (!(await stat(real)).isFile()) throw new InputFolderError('UNREADABLE_VIDEO', `${relative} is not a regular file`);
  return { absolute: real, relative };
}

function within(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative));
}

function toPosix(relative: string): string {
  return relative.split(path.sep).join('/');
}
