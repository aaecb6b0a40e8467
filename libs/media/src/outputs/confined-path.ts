import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isRelativePosixPath } from '../../../domain/src/index.js';

/**
 * The real absolute path of a regular file named by `relative` under `root`, or null for anything
 * else: a path that is not a plain relative posix path (absolute, `..`, `.`, empty segments, NUL,
 * backslashes, drive letters), a missing file, a folder or device, or a symlink anywhere along the
 * way that resolves outside the root. Callers answer null with a bare "not found", never the reason.
 */
export async function resolveConfined(root: string, relative: string): Promise<string | null> {
  if (!isRelativePosixPath(relative)) return null;
  const realRoot = await realpath(root).catch(() => null);
  if (realRoot === null) return null;
  // Checked by real path, after the lexical check: a symlink in any component resolves here.
  const real = await realpath(path.join(realRoot, ...relative.split('/'))).catch(() => null);
  if (real === null || !isInside(realRoot, real)) return null;
  const stats = await stat(real).catch(() => null);
  return stats?.isFile() ? real : null;
}

/** True when `candidate` is strictly below `root`; both absolute and already resolved. */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}
