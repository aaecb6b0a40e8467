import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, posix } from 'node:path';
import type { SFTPWrapper, Stats } from 'ssh2';
import { GpuTransportError, RemotePathRefused, TransferFailed } from './gpu.errors.js';
import { isInside, resolveRemotePath } from './remote-path.js';
import type { SshConnection } from './ssh-connection.js';

export interface TransferProgress {
  readonly transferredBytes: number;
  readonly totalBytes: number;
}

export interface TransferOptions {
  readonly onProgress?: (progress: TransferProgress) => void;
  /** Parallel SFTP requests (ssh2's fastPut/fastGet default: 64). */
  readonly concurrency?: number;
}

export interface UploadResult {
  readonly remotePath: string;
  readonly bytes: number;
}

export interface DownloadResult {
  readonly localPath: string;
  readonly bytes: number;
  /** Of the downloaded file; GPU hosts are not assumed to have sha256sum, so the size is what is checked remotely. */
  readonly sha256: string;
}

const SFTP_NO_SUCH_FILE = 2;
const REMOVE_TIMEOUT_MS = 10 * 60_000;

/**
 * Uploads to `<remote>.part`, checks its size, then renames it over `<remote>`: the final name only
 * ever holds a whole file, and repeating an upload (after a crash or a retry) simply replaces it.
 * Remote paths are relative to the node's remote folder, or absolute inside it.
 */
export async function upload(conn: SshConnection, localPath: string, remotePath: string, options: TransferOptions = {}): Promise<UploadResult> {
  const node = conn.node.name;
  const target = resolveRemotePath(conn.node, remotePath, { allowRoot: false });
  const bytes = await stat(localPath).then(
    (stats) => (stats.isFile() ? stats.size : Number.NaN),
    () => Number.NaN,
  );
  if (Number.isNaN(bytes)) throw new TransferFailed(node, 'LOCAL_MISSING', `no local file ${localPath} to upload`);
  const sftp = await conn.sftp();
  await makeDirs(sftp, node, posix.dirname(target));
  const part = `${target}.part`;
  const progress = new ProgressReport(options, bytes);
  try {
    await call<void>((done) => sftp.fastPut(localPath, part, progress.transferOptions(), done));
    const uploaded = await call<Stats>((done) => sftp.stat(part, done));
    if (uploaded.size !== bytes) throw new TransferFailed(node, 'SIZE_MISMATCH', `${target}: uploaded ${uploaded.size} of ${bytes} bytes`);
    await replace(sftp, part, target);
  } catch (error) {
    await call<void>((done) => sftp.unlink(part, done)).catch(() => {});
    throw asTransferFailure(node, error, `upload of ${localPath} to ${target} failed`);
  }
  progress.complete();
  return { remotePath: target, bytes };
}

/**
 * Whether `remotePath` already holds `localPath` as upload() leaves it: a whole file (never a
 * `.part`) of the same size, written after the local file last changed. What staging uploaded
 * ahead is then not sent again.
 */
export async function isUploaded(conn: SshConnection, localPath: string, remotePath: string): Promise<boolean> {
  const target = resolveRemotePath(conn.node, remotePath, { allowRoot: false });
  const local = await stat(localPath).catch(() => null);
  if (local === null || !local.isFile()) return false;
  const sftp = await conn.sftp();
  const remote = await call<Stats>((done) => sftp.stat(target, done)).catch(() => null);
  return remote !== null && remote.size === local.size && remote.mtime >= Math.floor(local.mtimeMs / 1000);
}

/** Downloads to `<local>.part`, checks the size against the remote one, hashes it, then renames it into place. */
export async function download(conn: SshConnection, remotePath: string, localPath: string, options: TransferOptions = {}): Promise<DownloadResult> {
  const node = conn.node.name;
  const source = resolveRemotePath(conn.node, remotePath, { allowRoot: false });
  const sftp = await conn.sftp();
  const remote = await call<Stats>((done) => sftp.stat(source, done)).catch((error: unknown) => {
    if (sftpCode(error) === SFTP_NO_SUCH_FILE) throw new TransferFailed(node, 'REMOTE_MISSING', `no remote file ${source}`);
    throw asTransferFailure(node, error, `cannot stat ${source}`);
  });
  if (!remote.isFile()) throw new TransferFailed(node, 'NOT_A_FILE', `${source} is not a regular file`);
  await mkdir(dirname(localPath), { recursive: true });
  const part = `${localPath}.part`;
  const progress = new ProgressReport(options, remote.size);
  try {
    await call<void>((done) => sftp.fastGet(source, part, progress.transferOptions(), done));
    const local = await stat(part);
    if (local.size !== remote.size) throw new TransferFailed(node, 'SIZE_MISMATCH', `${source}: downloaded ${local.size} of ${remote.size} bytes`);
    const sha256 = await sha256File(part);
    await rename(part, localPath);
    progress.complete();
    return { localPath, bytes: remote.size, sha256 };
  } catch (error) {
    await rm(part, { force: true });
    throw asTransferFailure(node, error, `download of ${source} to ${localPath} failed`);
  }
}

/** `mkdir -p` over SFTP, inside the node's remote folder; returns the absolute path. */
export async function ensureRemoteDir(conn: SshConnection, dir: string): Promise<string> {
  const target = resolveRemotePath(conn.node, dir, { allowRoot: true });
  await makeDirs(await conn.sftp(), conn.node.name, target);
  return target;
}

/**
 * Removes one folder (a run's, a batch's) strictly inside the node's remote folder, never the
 * folder itself and never through a symbolic link that leads out of it. Missing is not an error.
 */
export async function removeRemoteTree(conn: SshConnection, dir: string): Promise<{ readonly removed: boolean }> {
  const { name: node, remoteDir } = conn.node;
  const target = resolveRemotePath(conn.node, dir, { allowRoot: false });
  const sftp = await conn.sftp();
  const exists = await call<Stats>((done) => sftp.lstat(target, done)).then(
    () => true,
    (error: unknown) => (sftpCode(error) === SFTP_NO_SUCH_FILE ? false : Promise.reject(asTransferFailure(node, error, `cannot stat ${target}`))),
  );
  if (!exists) return { removed: false };
  // `rm -rf` does not follow a symbolic link that is the target itself, but it does follow one
  // in the target's parent path, so the parent must really be inside the remote folder.
  const [realRoot, realParent] = await Promise.all([
    call<string>((done) => sftp.realpath(remoteDir, done)),
    call<string>((done) => sftp.realpath(posix.dirname(target), done)),
  ]);
  if (realParent !== realRoot && !isInside(realRoot, realParent)) {
    throw new RemotePathRefused(node, dir, `leads outside the node's remote folder through a symbolic link (${realParent})`);
  }
  const result = await conn.exec(['rm', '-rf', '--', target], { timeoutMs: REMOVE_TIMEOUT_MS });
  if (result.exitCode !== 0) throw new TransferFailed(node, 'IO', `removing ${target} failed (exit ${result.exitCode ?? result.signal}): ${result.stderr.trim()}`);
  return { removed: true };
}

async function makeDirs(sftp: SFTPWrapper, node: string, dir: string): Promise<void> {
  const existing = await statOrNull(sftp, dir);
  if (existing?.isDirectory()) return;
  if (existing) throw new TransferFailed(node, 'NOT_A_DIRECTORY', `${dir} exists and is not a folder`);
  await makeDirs(sftp, node, posix.dirname(dir));
  try {
    await call<void>((done) => sftp.mkdir(dir, done));
  } catch (error) {
    // Another upload may have created it meanwhile.
    if (!(await statOrNull(sftp, dir))?.isDirectory()) throw asTransferFailure(node, error, `cannot create remote folder ${dir}`);
  }
}

async function statOrNull(sftp: SFTPWrapper, path: string): Promise<Stats | null> {
  return call<Stats>((done) => sftp.stat(path, done)).catch((error: unknown) => {
    if (sftpCode(error) === SFTP_NO_SUCH_FILE) return null;
    throw error;
  });
}

/** Renames over an existing file: SFTPv3 rename refuses that, OpenSSH's posix-rename extension does not. */
async function replace(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  try {
    await call<void>((done) => sftp.ext_openssh_rename(from, to, done));
    return;
  } catch (error) {
    if (!/does not support/.test((error as Error).message)) throw error;
  }
  await call<void>((done) => sftp.unlink(to, done)).catch(() => {});
  await call<void>((done) => sftp.rename(from, to, done));
}

/** ssh2's per-chunk `step` as progress reports, ending with exactly one report of the whole size. */
class ProgressReport {
  private reported = -1;

  constructor(
    private readonly options: TransferOptions,
    private readonly totalBytes: number,
  ) {}

  transferOptions(): { concurrency?: number; step: (transferredBytes: number) => void } {
    return {
      ...(this.options.concurrency !== undefined && { concurrency: this.options.concurrency }),
      step: (transferredBytes) => this.report(transferredBytes),
    };
  }

  complete(): void {
    if (this.reported !== this.totalBytes) this.report(this.totalBytes);
  }

  private report(transferredBytes: number): void {
    this.reported = transferredBytes;
    this.options.onProgress?.({ transferredBytes, totalBytes: this.totalBytes });
  }
}

/** Adapts ssh2's callbacks; synchronous throws (unsupported extensions) become rejections too. */
function call<T>(start: (done: (error: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      start((error, value) => (error ? reject(error) : resolve(value)));
    } catch (error) {
      reject(error);
    }
  });
}

function sftpCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function asTransferFailure(node: string, error: unknown, context: string): Error {
  if (error instanceof GpuTransportError) return error;
  return new TransferFailed(node, 'IO', `${context}: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

/** The one local-file checksum: transfers verify with it and output manifests record it. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
