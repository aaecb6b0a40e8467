import type { Stats } from 'node:fs';
import { chmod, truncate, utimes, type FileHandle } from 'node:fs/promises';
import { utils, type Attributes, type FileEntry } from 'ssh2';
import { PathEscapeError } from './host-root.js';

const { STATUS_CODE } = utils.sftp;

/** Raised for a handle this session never issued (or already closed). */
export class InvalidHandleError extends Error {
  constructor() {
    super('invalid handle');
    this.name = 'InvalidHandleError';
  }
}

export function attributesOf(stats: Stats): Attributes {
  return {
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
    size: stats.size,
    atime: Math.floor(stats.atimeMs / 1000),
    mtime: Math.floor(stats.mtimeMs / 1000),
  };
}

/**
 * SETSTAT/FSETSTAT carry only the fields the client set. Mode, size and times are applied;
 * ownership is accepted and ignored, because the simulated host has a single user.
 */
export async function applyAttributes(target: string | FileHandle, attributes: Partial<Attributes>): Promise<void> {
  const { mode, size, atime, mtime } = attributes;
  const onPath = typeof target === 'string';
  if (mode !== undefined) await (onPath ? chmod(target, mode & 0o7777) : target.chmod(mode & 0o7777));
  if (size !== undefined) await (onPath ? truncate(target, size) : target.truncate(size));
  if (atime !== undefined && mtime !== undefined) await (onPath ? utimes(target, atime, mtime) : target.utimes(atime, mtime));
}

/** A READDIR entry; `longname` in the `ls -l` shape OpenSSH sends, which some clients parse. */
export function entryOf(filename: string, stats: Stats, now = new Date()): FileEntry {
  const modified = stats.mtime;
  const month = modified.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const day = String(modified.getUTCDate()).padStart(2, ' ');
  // Like ls: the time of day for the last six months, the year for anything older.
  const recent = Math.abs(now.getTime() - modified.getTime()) < 182 * 24 * 3600 * 1000;
  const clock = recent
    ? `${pad2(modified.getUTCHours())}:${pad2(modified.getUTCMinutes())}`
    : ` ${modified.getUTCFullYear()}`;
  const longname = [
    modeString(stats),
    String(stats.nlink).padStart(3, ' '),
    String(stats.uid).padEnd(8, ' '),
    String(stats.gid).padEnd(8, ' '),
    String(stats.size).padStart(8, ' '),
    `${month} ${day} ${clock}`,
    filename,
  ].join(' ');
  return { filename, longname, attrs: attributesOf(stats) };
}

/** The SFTP status for a failed request; unknown failures stay FAILURE with their errno. */
export function statusOf(error: unknown): { readonly code: number; readonly message: string } {
  if (error instanceof PathEscapeError) return { code: STATUS_CODE.PERMISSION_DENIED, message: error.message };
  if (error instanceof InvalidHandleError) return { code: STATUS_CODE.FAILURE, message: error.message };
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return { code: STATUS_CODE.NO_SUCH_FILE, message: 'No such file' };
    case 'EACCES':
    case 'EPERM':
      return { code: STATUS_CODE.PERMISSION_DENIED, message: 'Permission denied' };
    default:
      return { code: STATUS_CODE.FAILURE, message: code ?? (error instanceof Error ? error.message : 'Failure') };
  }
}

function modeString(stats: Stats): string {
  const type = stats.isDirectory() ? 'd' : stats.isSymbolicLink() ? 'l' : stats.isFile() ? '-' : '?';
  const bits = 'rwxrwxrwx';
  let permissions = '';
  for (let i = 0; i < 9; i += 1) permissions += stats.mode & (0o400 >> i) ? bits[i] : '-';
  return type + permissions;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
