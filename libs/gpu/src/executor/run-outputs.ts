import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import type { FileEntryWithStats } from 'ssh2';
import { controlOutputHint, type ModelOutputFiles, onHost, type OutputFile, type OutputFileKind } from '../../../domain/src/index.js';
import { download, sha256File } from '../sftp-transfer.js';
import type { SshConnection } from '../ssh-connection.js';
import { ExecutionFailure } from './execution-failure.js';

export const MANIFEST_NAME = 'manifest.json';
export const EXECUTION_LOG_NAME = 'execution.log';
const SFTP_NO_SUCH_FILE = 2;

/** What execute() leaves in `run_<runId>/manifest.json`; the job and attempt make a repeated execute a no-op. */
export interface RunManifest {
  readonly runId: string;
  readonly jobId: string;
  readonly attempt: number;
  readonly container: string;
  readonly exitCode: number;
  /** Every file of the run but the manifest itself. */
  readonly files: readonly OutputFile[];
}

/** Where a run's files come from on the node and go to locally, once its container exited 0. */
export interface RunFolder {
  readonly connection: SshConnection;
  readonly remoteDir: string;
  readonly outputsRoot: string;
  readonly localDir: string;
  readonly onProgress: (percent: number) => void;
}

export interface CollectRequest extends RunFolder {
  readonly expected: ModelOutputFiles;
}

/**
 * Downloads what the model left in its output folder: the video (required), the prompt text and
 * any control videos it generated (both optional, so the folder is listed rather than guessed).
 */
export async function downloadModelOutputs(request: CollectRequest): Promise<OutputFile[]> {
  const { connection, expected } = request;
  const remoteFolder = onHost(request.remoteDir, expected.dir);
  const entries = await listFiles(connection, remoteFolder);
  const videoName = posix.basename(expected.video);
  const textName = posix.basename(expected.promptText);
  if (!entries.some((entry) => entry.filename === videoName)) {
    throw new ExecutionFailure('MISSING_OUTPUT', `the model exited 0 but left no ${expected.video}`, 0);
  }
  const wanted = entries.flatMap((entry) => {
    const kind = outputKind(entry.filename, videoName, textName);
    return kind === null ? [] : [{ name: entry.filename, size: entry.attrs.size, kind }];
  });
  const totalBytes = wanted.reduce((sum, file) => sum + file.size, 0);
  let doneBytes = 0;
  const files: OutputFile[] = [];
  for (const file of wanted) {
    const localPath = join(request.localDir, file.name);
    const result = await download(connection, posix.join(remoteFolder, file.name), localPath, {
      onProgress: ({ transferredBytes }) => request.onProgress(percentOf(doneBytes + transferredBytes, totalBytes)),
    });
    doneBytes += result.bytes;
    files.push({ name: file.name, path: outputPath(request.outputsRoot, localPath), sizeBytes: result.bytes, sha256: result.sha256, kind: file.kind });
  }
  return files;
}

/** Writes the manifest whole or not at all, and returns it as an output file of its own. */
export async function writeManifest(outputsRoot: string, localDir: string, manifest: RunManifest): Promise<OutputFile> {
  const path = join(localDir, MANIFEST_NAME);
  await writeFile(`${path}.part`, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(`${path}.part`, path);
  return describeLocalFile(outputsRoot, path, 'json');
}

/** The manifest of a finished execution of this job attempt whose files are all still there, else null. */
export async function readFinishedManifest(localDir: string, jobId: string, attempt: number): Promise<RunManifest | null> {
  let manifest: RunManifest;
  try {
    manifest = JSON.parse(await readFile(join(localDir, MANIFEST_NAME), 'utf8')) as RunManifest;
  } catch {
    return null;
  }
  if (manifest.jobId !== jobId || manifest.attempt !== attempt || !Array.isArray(manifest.files)) return null;
  for (const file of manifest.files) {
    const size = await stat(join(localDir, file.name)).then((stats) => stats.size, () => -1);
    if (size !== file.sizeBytes) return null;
  }
  return manifest;
}

export async function describeLocalFile(outputsRoot: string, path: string, kind: OutputFileKind): Promise<OutputFile> {
  const [sha256, { size: sizeBytes }] = await Promise.all([sha256File(path), stat(path)]);
  return { name: posix.basename(path.split(sep).join('/')), path: outputPath(outputsRoot, path), sizeBytes, sha256, kind };
}

export function percentOf(done: number, total: number): number {
  return total <= 0 ? 100 : Math.min(100, Math.floor((done * 100) / total));
}

function outputKind(name: string, videoName: string, textName: string): OutputFileKind | null {
  if (name === videoName) return 'video';
  if (name === textName) return 'text';
  return controlOutputHint(name) === null ? null : 'control';
}

async function listFiles(connection: SshConnection, folder: string): Promise<FileEntryWithStats[]> {
  const sftp = await connection.sftp();
  const entries = await new Promise<FileEntryWithStats[]>((resolve, reject) => {
    sftp.readdir(folder, (error, list) => (error ? reject(error) : resolve(list)));
  }).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === SFTP_NO_SUCH_FILE) return null;
    throw new ExecutionFailure('SSH_FAILURE', `cannot list ${folder}: ${(error as Error).message}`, 0, { cause: error });
  });
  if (entries === null) throw new ExecutionFailure('MISSING_OUTPUT', `the model exited 0 but left no output folder ${folder}`, 0);
  return entries.filter((entry) => entry.attrs.isFile());
}

function outputPath(outputsRoot: string, localPath: string): string {
  return relative(outputsRoot, localPath).split(sep).join('/');
}
