import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../../media/src/index.js';

export class PathEscapeError extends Error {
  constructor(readonly requested: string) {
    super(`${requested}: path escapes the host root`);
    this.name = 'PathEscapeError';
  }
}

/**
 * The simulated host's whole filesystem is one folder on ours. Commands and SFTP both see it as `/`:
 *
 * - an absolute path names a place under the root (`/runs/a` is `<root>/runs/a`), never the real `/`;
 * - a relative path starts at the root, which is also the cwd and HOME of every command;
 * - `..` works until it would climb above `/`; there the path is refused, not clamped, so a client
 *   that builds `../../etc/passwd` fails loudly instead of quietly reaching `<root>/etc/passwd`;
 * - a symlink that leads outside the root is refused too, checked on the nearest existing ancestor,
 *   so a path about to be created cannot land outside through a symlinked folder (a dangling
 *   symlink on the way is refused for the same reason, wherever it points).
 */
export class HostRoot {
  private constructor(readonly dir: string) {}

  static async open(dir: string): Promise<HostRoot> {
    return new HostRoot(await realpath(dir));
  }

  /** The normalised absolute form of a path as the client sees it, `/` being the root. */
  normalise(requested: string): string {
    if (requested.includes('\0')) throw new PathEscapeError(requested);
    const parts: string[] = [];
    for (const segment of requested.split('/')) {
      if (segment === '' || segment === '.') continue;
      if (segment !== '..') parts.push(segment);
      else if (parts.pop() === undefined) throw new PathEscapeError(requested);
    }
    return `/${parts.join('/')}`;
  }

  /** The host path for a client path; throws PathEscapeError when it would leave the root. */
  async resolve(requested: string): Promise<string> {
    const virtual = this.normalise(requested);
    const hostPath = virtual === '/' ? this.dir : path.join(this.dir, virtual);
    const real = await realpathOfNearestExisting(hostPath);
    if (real === null || (real !== this.dir && !isInside(this.dir, real))) throw new PathEscapeError(requested);
    return hostPath;
  }

  isRoot(hostPath: string): boolean {
    return hostPath === this.dir;
  }
}

/** Null when a dangling symlink sits on the way: creating through it would write wherever it points. */
async function realpathOfNearestExisting(hostPath: string): Promise<string | null> {
  for (let current = hostPath; ; current = path.dirname(current)) {
    try {
      return await realpath(current);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || current === path.dirname(current)) throw error;
      if (await lstat(current).then(() => true, () => false)) return null;
    }
  }
}
