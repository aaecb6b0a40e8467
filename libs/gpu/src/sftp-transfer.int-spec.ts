import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RemotePathRefused, TransferFailed } from './gpu.errors.js';
import { download, ensureRemoteDir, removeRemoteTree, upload, type TransferProgress } from './sftp-transfer.js';
import { SshConnection } from './ssh-connection.js';
import { startOpenSshServer, type OpenSshServer } from '../../testing/src/hosts/index.js';

// The sshd runs on this machine, so the "remote" folder is also readable directly for assertions.
describe('SFTP transfers against a real OpenSSH sshd', () => {
  let server: OpenSshServer;
  let connection: SshConnection;
  let local: string;
  let remoteDir: string;

  beforeAll(async () => {
    server = await startOpenSshServer();
    remoteDir = join(server.dir, 'remote');
    local = await mkdtemp(join(tmpdir(), 'cosmos-sftp-local-'));
    connection = new SshConnection(server.nodeConfig('gpu-test', remoteDir));
  });
  afterAll(async () => {
    await connection?.close();
    await server?.dispose();
    if (local) await rm(local, { recursive: true, force: true });
  });

  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const partFilesUnder = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.part'));

  it('uploads a few MB into new folders and downloads it back, with progress and matching sha256', async () => {
    const content = randomBytes(5 * 1024 * 1024 + 123);
    const source = join(local, 'color.mp4');
    writeFileSync(source, content);
    const upProgress: TransferProgress[] = [];
    const downProgress: TransferProgress[] = [];

    const uploaded = await upload(connection, source, 'runs/rs_1/inputs/videos/color.mp4', { onProgress: (p) => upProgress.push(p) });
    const downloaded = await download(connection, uploaded.remotePath, join(local, 'outputs/run_rs_1/color.mp4'), {
      onProgress: (p) => downProgress.push(p),
    });

    expect(uploaded).toEqual({ remotePath: join(remoteDir, 'runs/rs_1/inputs/videos/color.mp4'), bytes: content.length });
    expect(sha256(readFileSync(uploaded.remotePath))).toBe(sha256(content));
    expect(downloaded).toEqual({ localPath: join(local, 'outputs/run_rs_1/color.mp4'), bytes: content.length, sha256: sha256(content) });
    expect(sha256(readFileSync(downloaded.localPath))).toBe(sha256(content));
    for (const progress of [upProgress, downProgress]) {
      expect(progress.length).toBeGreaterThan(2);
      expect(progress.map((p) => p.transferredBytes)).toEqual([...progress.map((p) => p.transferredBytes)].sort((a, b) => a - b));
      expect(progress.at(-1)).toEqual({ transferredBytes: content.length, totalBytes: content.length });
      expect(progress.filter((p) => p.transferredBytes === content.length)).toHaveLength(1);
    }
    expect(partFilesUnder(remoteDir)).toEqual([]);
    expect(partFilesUnder(local)).toEqual([]);
  });

  it('replaces an earlier upload and a stale .part left by a crashed one', async () => {
    const target = join(remoteDir, 'runs/rs_2/inputs/spec.json');
    mkdirSync(join(remoteDir, 'runs/rs_2/inputs'), { recursive: true });
    writeFileSync(target, '{"old":true}');
    writeFileSync(`${target}.part`, 'half a fi');
    server.handOver(join(remoteDir, 'runs'));
    const source = join(local, 'spec.json');
    writeFileSync(source, '{"prompt":"a red car, it\'s $(raining)"}');

    await upload(connection, source, target);
    await upload(connection, source, target);

    expect(readFileSync(target, 'utf8')).toBe('{"prompt":"a red car, it\'s $(raining)"}');
    expect(existsSync(`${target}.part`)).toBe(false);
  });

  it('uploads an empty file', async () => {
    const source = join(local, 'empty.txt');
    writeFileSync(source, '');

    const progress: TransferProgress[] = [];

    await expect(upload(connection, source, 'runs/rs_3/empty.txt', { onProgress: (p) => progress.push(p) })).resolves.toMatchObject({ bytes: 0 });
    expect(progress).toEqual([{ transferredBytes: 0, totalBytes: 0 }]);
    expect(readFileSync(join(remoteDir, 'runs/rs_3/empty.txt'), 'utf8')).toBe('');
  });

  it('reports a missing remote file without creating anything locally', async () => {
    const destination = join(local, 'missing/output.mp4');

    const error = await download(connection, 'outputs/run_none/output.mp4', destination).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TransferFailed);
    expect(error).toMatchObject({ reason: 'REMOTE_MISSING' });
    expect(existsSync(destination)).toBe(false);
    expect(existsSync(`${destination}.part`)).toBe(false);
  });

  it('reports a missing local file', async () => {
    await expect(upload(connection, join(local, 'nope.mp4'), 'runs/x/nope.mp4')).rejects.toMatchObject({ reason: 'LOCAL_MISSING' });
  });

  it('refuses remote paths outside the node folder', async () => {
    const source = join(local, 'spec.json');

    await expect(upload(connection, source, '/tmp/escape.json')).rejects.toBeInstanceOf(RemotePathRefused);
    await expect(upload(connection, source, '../escape.json')).rejects.toBeInstanceOf(RemotePathRefused);
    await expect(download(connection, '/etc/hostname', join(local, 'hostname'))).rejects.toBeInstanceOf(RemotePathRefused);
    await expect(ensureRemoteDir(connection, '/tmp/cosmos-escape')).rejects.toBeInstanceOf(RemotePathRefused);
  });

  it('creates nested remote folders idempotently', async () => {
    const dir = await ensureRemoteDir(connection, 'outputs/run_rs_4/logs');
    await ensureRemoteDir(connection, 'outputs/run_rs_4/logs');

    expect(dir).toBe(join(remoteDir, 'outputs/run_rs_4/logs'));
    expect(existsSync(dir)).toBe(true);
  });

  it("removes one run's folder and leaves its siblings", async () => {
    mkdirSync(join(remoteDir, 'runs/rs_5/outputs/deep'), { recursive: true });
    writeFileSync(join(remoteDir, 'runs/rs_5/outputs/deep/output.mp4'), 'video');
    mkdirSync(join(remoteDir, 'runs/rs_6'), { recursive: true });
    server.handOver(join(remoteDir, 'runs'));

    await expect(removeRemoteTree(connection, 'runs/rs_5')).resolves.toEqual({ removed: true });
    await expect(removeRemoteTree(connection, 'runs/rs_5')).resolves.toEqual({ removed: false });

    expect(existsSync(join(remoteDir, 'runs/rs_5'))).toBe(false);
    expect(existsSync(join(remoteDir, 'runs/rs_6'))).toBe(true);
  });

  it('refuses to remove the node folder, anything outside it, or anything reached through a link out of it', async () => {
    const outside = join(server.dir, 'outside');
    mkdirSync(join(outside, 'precious'), { recursive: true });
    symlinkSync(outside, join(remoteDir, 'link-out'));

    await expect(removeRemoteTree(connection, remoteDir)).rejects.toThrow(/remote folder itself/);
    await expect(removeRemoteTree(connection, '/')).rejects.toBeInstanceOf(RemotePathRefused);
    await expect(removeRemoteTree(connection, '../outside')).rejects.toBeInstanceOf(RemotePathRefused);
    await expect(removeRemoteTree(connection, 'link-out/precious')).rejects.toThrow(/symbolic link/);
    expect(existsSync(join(outside, 'precious'))).toBe(true);

    // The link itself is inside the folder: removing it removes the link, not what it points to.
    await expect(removeRemoteTree(connection, 'link-out')).resolves.toEqual({ removed: true });
    expect(existsSync(join(outside, 'precious'))).toBe(true);
  });
});
