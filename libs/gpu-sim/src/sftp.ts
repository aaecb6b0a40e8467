import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { utils, type Attributes, type SFTPWrapper } from 'ssh2';
import { PathEscapeError, type HostRoot } from './host-root.js';
import { applyAttributes, attributesOf, entryOf, InvalidHandleError, statusOf } from './sftp.attributes.js';

const { OPEN_MODE, STATUS_CODE } = utils.sftp;

/** ssh2 clients ask for 32 KiB reads; a larger ask is answered short, which SFTP allows. */
const MAX_READ = 256 * 1024;
const NAMES_PER_READDIR = 64;

type OpenNode =
  | { readonly kind: 'file'; readonly file: FileHandle }
  | { readonly kind: 'directory'; readonly hostPath: string; readonly names: string[] };

/**
 * An SFTP v3 server over `root` (paths as in host-root.ts): the requests ssh2's fastPut/fastGet,
 * read/write streams, readdir, stat, mkdir, rename and unlink use. Requests are answered as they
 * complete, so the concurrent reads and writes of fastGet/fastPut run in parallel; anything not
 * handled here (SYMLINK, READLINK, EXTENDED) gets OP_UNSUPPORTED from ssh2 itself.
 */
export function serveSftp(sftp: SFTPWrapper, root: HostRoot): void {
  const nodes = new Map<number, OpenNode>();
  let lastHandle = 0;

  const issue = (node: OpenNode): Buffer => {
    lastHandle += 1;
    nodes.set(lastHandle, node);
    const handle = Buffer.alloc(4);
    handle.writeUInt32BE(lastHandle);
    return handle;
  };
  const nodeOf = (handle: Buffer): OpenNode => {
    const node = handle.length === 4 ? nodes.get(handle.readUInt32BE()) : undefined;
    if (node === undefined) throw new InvalidHandleError();
    return node;
  };
  const fileOf = (handle: Buffer): FileHandle => {
    const node = nodeOf(handle);
    if (node.kind !== 'file') throw new InvalidHandleError();
    return node.file;
  };
  /** A path the request may change: the root itself is the whole host and stays put. */
  const changeable = async (requested: string): Promise<string> => {
    const hostPath = await root.resolve(requested);
    if (root.isRoot(hostPath)) throw new PathEscapeError(requested);
    return hostPath;
  };
  const answer = (reqId: number, work: () => Promise<void>): void => {
    work().catch((error: unknown) => {
      const { code, message } = statusOf(error);
      sftp.status(reqId, code, message);
    });
  };
  const ok = (reqId: number): void => sftp.status(reqId, STATUS_CODE.OK);

  sftp.on('OPEN', (reqId, filename, flags, attrs: Partial<Attributes>) =>
    answer(reqId, async () => {
      const file = await open(await root.resolve(filename), openFlags(flags), (attrs.mode ?? 0o644) & 0o7777);
      sftp.handle(reqId, issue({ kind: 'file', file }));
    }),
  );
  sftp.on('READ', (reqId, handle, offset, length) =>
    answer(reqId, async () => {
      const buffer = Buffer.allocUnsafe(Math.min(length, MAX_READ));
      const { bytesRead } = await fileOf(handle).read(buffer, 0, buffer.length, offset);
      if (bytesRead === 0) sftp.status(reqId, STATUS_CODE.EOF);
      else sftp.data(reqId, buffer.subarray(0, bytesRead));
    }),
  );
  sftp.on('WRITE', (reqId, handle, offset, data) =>
    answer(reqId, async () => {
      const file = fileOf(handle);
      for (let written = 0; written < data.length; ) {
        written += (await file.write(data, written, data.length - written, offset + written)).bytesWritten;
      }
      ok(reqId);
    }),
  );
  sftp.on('FSTAT', (reqId, handle) =>
    answer(reqId, async () => sftp.attrs(reqId, attributesOf(await fileOf(handle).stat()))),
  );
  sftp.on('FSETSTAT', (reqId, handle, attrs: Partial<Attributes>) =>
    answer(reqId, async () => {
      await applyAttributes(fileOf(handle), attrs);
      ok(reqId);
    }),
  );
  sftp.on('CLOSE', (reqId, handle) =>
    answer(reqId, async () => {
      const node = nodeOf(handle);
      nodes.delete(handle.readUInt32BE());
      if (node.kind === 'file') await node.file.close();
      ok(reqId);
    }),
  );

  sftp.on('STAT', (reqId, requested) =>
    answer(reqId, async () => sftp.attrs(reqId, attributesOf(await stat(await root.resolve(requested))))),
  );
  sftp.on('LSTAT', (reqId, requested) =>
    answer(reqId, async () => sftp.attrs(reqId, attributesOf(await lstat(await root.resolve(requested))))),
  );
  sftp.on('SETSTAT', (reqId, requested, attrs: Partial<Attributes>) =>
    answer(reqId, async () => {
      await applyAttributes(await root.resolve(requested), attrs);
      ok(reqId);
    }),
  );
  sftp.on('REALPATH', (reqId, requested) =>
    answer(reqId, async () => {
      const virtual = root.normalise(requested);
      sftp.name(reqId, [{ filename: virtual, longname: virtual, attrs: {} as Attributes }]);
    }),
  );

  sftp.on('OPENDIR', (reqId, requested) =>
    answer(reqId, async () => {
      const hostPath = await root.resolve(requested);
      const names = await readdir(hostPath);
      sftp.handle(reqId, issue({ kind: 'directory', hostPath, names }));
    }),
  );
  sftp.on('READDIR', (reqId, handle) =>
    answer(reqId, async () => {
      const node = nodeOf(handle);
      if (node.kind !== 'directory') throw new InvalidHandleError();
      const batch = node.names.splice(0, NAMES_PER_READDIR);
      if (batch.length === 0) return sftp.status(reqId, STATUS_CODE.EOF);
      // An entry removed since OPENDIR is skipped, as readdir(3) would not have returned it.
      const listed = await Promise.all(
        batch.map(async (name) => {
          const stats = await lstat(path.join(node.hostPath, name)).catch(() => null);
          return stats === null ? null : entryOf(name, stats);
        }),
      );
      sftp.name(reqId, listed.filter((entry) => entry !== null));
    }),
  );

  sftp.on('MKDIR', (reqId, requested, attrs: Partial<Attributes>) =>
    answer(reqId, async () => {
      await mkdir(await changeable(requested), (attrs.mode ?? 0o755) & 0o7777);
      ok(reqId);
    }),
  );
  sftp.on('RMDIR', (reqId, requested) =>
    answer(reqId, async () => {
      await rmdir(await changeable(requested));
      ok(reqId);
    }),
  );
  sftp.on('REMOVE', (reqId, requested) =>
    answer(reqId, async () => {
      await unlink(await changeable(requested));
      ok(reqId);
    }),
  );
  // posix-rename semantics: an existing target is replaced. OpenSSH refuses that for a plain v3
  // RENAME and only replaces through its posix-rename@openssh.com extension.
  sftp.on('RENAME', (reqId, from, to) =>
    answer(reqId, async () => {
      await rename(await changeable(from), await changeable(to));
      ok(reqId);
    }),
  );

  // The client sent EOF or closed: no more requests will come, so close our side and the files.
  sftp.on('end', () => sftp.end());
  sftp.on('close', () => {
    for (const node of nodes.values()) if (node.kind === 'file') void node.file.close().catch(() => undefined);
    nodes.clear();
  });
}

function openFlags(pflags: number): number {
  const read = (pflags & OPEN_MODE.READ) !== 0;
  const write = (pflags & OPEN_MODE.WRITE) !== 0;
  let flags = read && write ? constants.O_RDWR : write ? constants.O_WRONLY : constants.O_RDONLY;
  if (pflags & OPEN_MODE.APPEND) flags |= constants.O_APPEND;
  if (pflags & OPEN_MODE.CREAT) flags |= constants.O_CREAT;
  if (pflags & OPEN_MODE.TRUNC) flags |= constants.O_TRUNC;
  if (pflags & OPEN_MODE.EXCL) flags |= constants.O_EXCL;
  return flags;
}
