import { posix } from 'node:path';
import { RemotePathRefused } from './gpu.errors.js';

export interface RemoteRoot {
  readonly name: string;
  readonly remoteDir: string;
}

/**
 * The absolute remote path for `path` (relative paths are taken from the node's remote folder),
 * refused unless it lies inside that folder — or is the folder itself, when `allowRoot` says so.
 * Symbolic links are checked separately, where it matters (removal), since that needs the server.
 */
export function resolveRemotePath(node: RemoteRoot, path: string, { allowRoot }: { allowRoot: boolean }): string {
  const refuse = (detail: string): never => {
    throw new RemotePathRefused(node.name, path, detail);
  };
  if (typeof path !== 'string' || path === '') refuse('empty');
  if (/[\0\\]/.test(path)) refuse('contains NUL or a backslash');
  const resolved = posix.normalize(path.startsWith('/') ? path : posix.join(node.remoteDir, path)).replace(/(.)\/$/, '$1');
  if (resolved === node.remoteDir) return allowRoot ? resolved : refuse(`is the node's remote folder itself`);
  if (!isInside(node.remoteDir, resolved)) refuse(`is outside the node's remote folder ${node.remoteDir}`);
  return resolved;
}

/** `path` is strictly below `folder` (both absolute and normalized). */
export function isInside(folder: string, path: string): boolean {
  return path.startsWith(folder === '/' ? '/' : `${folder}/`) && path !== folder;
}
