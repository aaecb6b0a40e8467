import { lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { RUN_ID } from '../../../domain/src/index.js';
import { resolveConfined } from './confined-path.js';
import { OutputFolderError } from './output-folder.error.js';

export interface OutputFile {
  /** Relative to the outputs root, posix separators: `run_<runId>/output.mp4`. */
  readonly path: string;
  readonly sizeBytes: number;
}

export interface FileTypeSummary {
  /** Lower case, without the dot; '' for files without an extension. */
  readonly extension: string;
  readonly count: number;
  readonly bytes: number;
  readonly size: string;
}

export interface FileSummary {
  readonly totalFiles: number;
  readonly totalBytes: number;
  readonly totalSize: string;
  /** Largest share first. */
  readonly byType: readonly FileTypeSummary[];
  /** "3 mp4 files (45.2 MB), 1 json file (1.3 KB)"; "no files" when empty. */
  readonly text: string;
}

export interface DeletedRunFolder {
  readonly deletedFiles: number;
  readonly deletedBytes: number;
}

const RUN_FOLDER_PREFIX = 'run_';
const SIZE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** Where a run's files live: `<outputsRoot>/run_<runId>`. Throws for anything but a run id. */
export function runFolder(outputsRoot: string, runId: string): string {
  if (!RUN_ID.test(runId)) throw new OutputFolderError('INVALID_RUN_ID', `"${runId}" is not a run id`);
  return path.join(path.resolve(outputsRoot), `${RUN_FOLDER_PREFIX}${runId}`);
}

/**
 * Sizes by 1024 with one decimal, as the predecessor showed them ("1.5 KB", "45.2 MB"), except
 * that zero reads "0 B" rather than "0.0 B", and a value that would round to "1024.0" moves up a
 * unit ("1.0 MB", not "1024.0 KB").
 */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`size must be a number of bytes ≥ 0 (got ${bytes})`);
  if (bytes === 0) return '0 B';
  let value = bytes;
  let unit = 0;
  while (unit < SIZE_UNITS.length - 1 && Number(value.toFixed(1)) >= 1024) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${SIZE_UNITS[unit]}`;
}

/** What a deletion would remove, grouped by extension for a preview. */
export function summarizeFiles(files: readonly OutputFile[]): FileSummary {
  const groups = new Map<string, { count: number; bytes: number }>();
  for (const file of files) {
    const extension = path.posix.extname(file.path).slice(1).toLowerCase();
    const group = groups.get(extension) ?? { count: 0, bytes: 0 };
    groups.set(extension, { count: group.count + 1, bytes: group.bytes + file.sizeBytes });
  }
  const byType = [...groups]
    .map(([extension, { count, bytes }]) => ({ extension, count, bytes, size: formatSize(bytes) }))
    .sort((a, b) => b.bytes - a.bytes || b.count - a.count || a.extension.localeCompare(b.extension));
  const totalBytes = byType.reduce((sum, type) => sum + type.bytes, 0);
  const text = byType.length === 0 ? 'no files' : byType.map(describeType).join(', ');
  return { totalFiles: files.length, totalBytes, totalSize: formatSize(totalBytes), byType, text };
}

/** Every regular file in a run's folder, sorted by path; symlinks are neither followed nor listed. */
export async function listRunFiles(outputsRoot: string, runId: string): Promise<OutputFile[]> {
  const folder = await existingRunFolder(outputsRoot, runId);
  if (folder === null) return [];
  const root = path.dirname(folder);
  const files = await regularFilesUnder(folder);
  return files
    .map((file) => ({ path: path.relative(root, file.absolute).split(path.sep).join('/'), sizeBytes: file.sizeBytes }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Removes a run's folder and reports what went with it. Idempotent: an absent folder deletes
 * nothing. Refuses a `run_<id>` that is a symlink or a file, so a link can never make us delete
 * someone else's folder; links inside the folder are removed as links, never followed.
 */
export async function deleteRunFolder(outputsRoot: string, runId: string): Promise<DeletedRunFolder> {
  const folder = await existingRunFolder(outputsRoot, runId);
  if (folder === null) return { deletedFiles: 0, deletedBytes: 0 };
  const files = await regularFilesUnder(folder);
  await rm(folder, { recursive: true, force: true });
  return { deletedFiles: files.length, deletedBytes: files.reduce((sum, file) => sum + file.sizeBytes, 0) };
}

/** Run ids with a `run_<id>` folder under the root but not in `knownRunIds`, sorted. */
export async function findOrphanFolders(outputsRoot: string, knownRunIds: ReadonlySet<string>): Promise<string[]> {
  const entries = await readdir(outputsRoot, { withFileTypes: true }).catch(ignoreMissing([]));
  return entries
    .filter((entry) => entry.isDirectory() && entry.name.startsWith(RUN_FOLDER_PREFIX))
    .map((entry) => entry.name.slice(RUN_FOLDER_PREFIX.length))
    .filter((runId) => RUN_ID.test(runId) && !knownRunIds.has(runId))
    .sort();
}

/** The given paths (relative to the root) that are not regular files inside it, in input order. */
export async function missingFiles(outputsRoot: string, relativePaths: readonly string[]): Promise<string[]> {
  const resolved = await Promise.all(relativePaths.map((relative) => resolveConfined(outputsRoot, relative)));
  return relativePaths.filter((_, i) => resolved[i] === null);
}

function describeType({ extension, count, size }: FileTypeSummary): string {
  const kind = extension === '' ? 'other' : extension;
  return `${count} ${kind} ${count === 1 ? 'file' : 'files'} (${size})`;
}

/** The run's folder if it exists; lstat, so a `run_<id>` symlink is refused rather than followed. */
async function existingRunFolder(outputsRoot: string, runId: string): Promise<string | null> {
  const folder = runFolder(outputsRoot, runId);
  const stats = await lstat(folder).catch(ignoreMissing(null));
  if (stats === null) return null;
  if (!stats.isDirectory()) {
    throw new OutputFolderError('NOT_A_RUN_FOLDER', `${path.basename(folder)} is a ${stats.isSymbolicLink() ? 'symlink' : 'file'}, not a run folder`);
  }
  return folder;
}

async function regularFilesUnder(folder: string): Promise<{ absolute: string; sizeBytes: number }[]> {
  const found: { absolute: string; sizeBytes: number }[] = [];
  // Dirent types have lstat semantics: a symlinked folder is not a directory here. Entries that
  // vanish meanwhile (a concurrent delete of the same run) are skipped, keeping deletion idempotent.
  for (const entry of await readdir(folder, { withFileTypes: true }).catch(ignoreMissing([]))) {
    const absolute = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      found.push(...(await regularFilesUnder(absolute)));
    } else if (entry.isFile()) {
      const stats = await lstat(absolute).catch(ignoreMissing(null));
      if (stats !== null) found.push({ absolute, sizeBytes: stats.size });
    }
  }
  return found;
}

function ignoreMissing<T>(fallback: T): (error: NodeJS.ErrnoException) => T {
  return (error) => {
    if (error.code === 'ENOENT') return fallback;
    throw error;
  };
}
