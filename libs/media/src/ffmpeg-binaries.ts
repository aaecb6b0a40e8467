import { accessSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { MediaToolError } from './media.errors.js';

export type MediaBinarySource = 'env' | 'system' | 'npm';

export interface MediaBinaries {
  readonly ffprobe: string;
  readonly ffmpeg: string;
  /** Where the more explicitly chosen of the two came from (env over system over npm). */
  readonly source: MediaBinarySource;
}

type Tool = 'ffprobe' | 'ffmpeg';

const TOOLS: Record<Tool, { readonly envVar: string; readonly npmPackage: string }> = {
  ffprobe: { envVar: 'COSMOS_FFPROBE', npmPackage: '@ffprobe-installer/ffprobe' },
  ffmpeg: { envVar: 'COSMOS_FFMPEG', npmPackage: '@ffmpeg-installer/ffmpeg' },
};

const RANK: readonly MediaBinarySource[] = ['env', 'system', 'npm'];

/** Keyed by the variables that decide the answer, so callers passing their own env get their own. */
const cache = new Map<string, MediaBinaries>();

/**
 * COSMOS_FFPROBE / COSMOS_FFMPEG, else a system install on PATH (usually newer and what CI and
 * users have), else the static builds shipped in the @ff*-installer npm packages. Each tool is
 * resolved on its own, so setting only COSMOS_FFPROBE still finds an ffmpeg.
 */
export function resolveMediaBinaries(env: NodeJS.ProcessEnv = process.env): MediaBinaries {
  const key = [env.COSMOS_FFPROBE, env.COSMOS_FFMPEG, searchPath(env)].join('\0');
  let binaries = cache.get(key);
  if (!binaries) {
    const ffprobe = locate('ffprobe', env);
    const ffmpeg = locate('ffmpeg', env);
    const source = RANK[Math.min(RANK.indexOf(ffprobe.source), RANK.indexOf(ffmpeg.source))];
    binaries = { ffprobe: ffprobe.path, ffmpeg: ffmpeg.path, source };
    cache.set(key, binaries);
  }
  return binaries;
}

function locate(tool: Tool, env: NodeJS.ProcessEnv): { path: string; source: MediaBinarySource } {
  const { envVar, npmPackage } = TOOLS[tool];
  const configured = env[envVar]?.trim();
  if (configured) {
    const found = configured.includes('/') || configured.includes(path.sep) ? executable(path.resolve(configured)) : onPath(configured, env);
    if (!found) throw new MediaToolError(`${envVar} is set to "${configured}", which is not an executable file`);
    return { path: found, source: 'env' };
  }
  const system = onPath(tool, env);
  if (system) return { path: system, source: 'system' };
  return { path: npmBinary(tool, envVar, npmPackage), source: 'npm' };
}

function searchPath(env: NodeJS.ProcessEnv): string {
  return env.PATH ?? env.Path ?? '';
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const fileName = process.platform === 'win32' && !name.toLowerCase().endsWith('.exe') ? `${name}.exe` : name;
  for (const dir of searchPath(env).split(path.delimiter)) {
    // An empty entry means the working directory; a binary there is not a deliberate install.
    if (!dir) continue;
    const found = executable(path.resolve(dir, fileName));
    if (found) return found;
  }
  return undefined;
}

function executable(candidate: string): string | undefined {
  try {
    if (!statSync(candidate).isFile()) return undefined;
    accessSync(candidate, constants.X_OK);
    return candidate;
  } catch {
    return undefined;
  }
}

function npmBinary(tool: Tool, envVar: string, npmPackage: string): string {
  // The build emits CommonJS (no import.meta) while jest runs this file as ESM (no __filename):
  // anchor the require on this file where possible, else on the working directory's package.json.
  const anchor = typeof __filename === 'string' ? __filename : path.resolve('package.json');
  try {
    const { path: binary } = createRequire(anchor)(npmPackage) as { path: string };
    return binary;
  } catch (error) {
    throw new MediaToolError(
      `No ${tool} found: set ${envVar}, put ${tool} on PATH, or install ${npmPackage} (${(error as Error).message})`,
    );
  }
}
