import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** A folder under the inputs root that holds at least one video of the input convention. */
export interface InputFolderEntry {
  /** Relative to the inputs root, posix separators ("." for the root itself). */
  readonly relative: string;
  /** The newest modification among its convention videos. */
  readonly modifiedAt: Date;
  /** Which convention files it holds, e.g. ["color.mp4", "depth.mp4"]. */
  readonly files: readonly string[];
}

export interface FindInputFoldersOptions {
  /** How deep below the root to look (root = 0). */
  readonly maxDepth?: number;
  /** At most this many folders; `truncated` says when more exist. */
  readonly limit?: number;
}

const CONVENTION_FILES = ['color.mp4', 'depth.mp4', 'segmentation.mp4'];

/**
 * Walks the inputs root for input folders, without following symlinked folders (a link could
 * loop or lead outside; a linked folder is still usable by name in createPrompt) or hidden ones.
 * A missing root is an empty catalog: nothing has been put there yet.
 */
export async function findInputFolders(inputsRoot: string, options: FindInputFoldersOptions = {}): Promise<{ folders: InputFolderEntry[]; truncated: boolean }> {
  const maxDepth = options.maxDepth ?? 4;
  const limit = options.limit ?? 1000;
  const folders: InputFolderEntry[] = [];
  let truncated = false;
  const visit = async (relative: string, depth: number): Promise<void> => {
    if (truncated) return;
    const absolute = path.join(inputsRoot, relative);
    const entries = await readdir(absolute, { withFileTypes: true }).catch(() => []);
    const files = entries.filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && CONVENTION_FILES.includes(entry.name)).map((entry) => entry.name);
    if (files.length > 0) {
      if (folders.length >= limit) {
        truncated = true;
        return;
      }
      const times = await Promise.all(files.map((file) => stat(path.join(absolute, file)).then((facts) => facts.mtimeMs, () => 0)));
      folders.push({ relative: relative === '' ? '.' : relative, modifiedAt: new Date(Math.max(...times)), files: CONVENTION_FILES.filter((file) => files.includes(file)) });
    }
    if (depth >= maxDepth) return;
    const children = entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name).sort();
    for (const child of children) await visit(relative === '' ? child : `${relative}/${child}`, depth + 1);
  };
  await visit('', 0);
  return { folders, truncated };
}
