import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { utils, type Client, type FileEntry, type SFTPWrapper, type Stats } from 'ssh2';
import { call, connect, newClientKey, openSftp } from './ssh-client.fixture.js';
import { startSimulatedSshServer, type SimulatedSshServer } from './simulated-ssh-server.js';

const { STATUS_CODE } = utils.sftp;

describe('simulated SSH server: SFTP', () => {
  const key = newClientKey();
  let dir: string;
  let root: string;
  let server: SimulatedSshServer;
  let client: Client;
  let sftp: SFTPWrapper;

  const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
  const stat = (path: string) => call<Stats>((done) => sftp.stat(path, done));
  const writeRemote = (path: string, text: string) => call((done) => sftp.writeFile(path, text, done));
  const readRemote = (path: string) => call<Buffer>((done) => sftp.readFile(path, done)).then(String);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gpu-sim-sftp-'));
    root = join(dir, 'host');
    mkdirSync(join(dir, 'local'), { recursive: true });
    mkdirSync(join(root, 'etc'), { recursive: true });
    writeFileSync(join(dir, 'passwd'), 'root:x:0:0');
    symlinkSync(dir, join(root, 'escape-link'));
    symlinkSync(join(dir, 'not-yet'), join(root, 'dangling-link'));
    server = await startSimulatedSshServer({ root, authorizedKeys: [key.publicKey] });
    client = await connect(server, { privateKey: key.privateKey });
    sftp = await openSftp(client);
  });

  afterAll(async () => {
    client?.end();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips 5 MB with fastPut and fastGet byte for byte', async () => {
    const local = join(dir, 'local', 'random.bin');
    const back = join(dir, 'local', 'random.back');
    writeFileSync(local, randomBytes(5 * 1024 * 1024));

    await call((done) => sftp.mkdir('/runs', done));
    await call((done) => sftp.mkdir('runs/run_1', done));
    await call((done) => sftp.fastPut(local, '/runs/run_1/input.bin', done));
    expect(sha256(join(root, 'runs', 'run_1', 'input.bin'))).toBe(sha256(local));
    expect((await stat('/runs/run_1/input.bin')).size).toBe(5 * 1024 * 1024);

    await call((done) => sftp.fastGet('runs/run_1/input.bin', back, done));
    expect(sha256(back)).toBe(sha256(local));
  });

  it('streams a file up and down', async () => {
    const local = join(dir, 'local', 'stream.bin');
    const back = join(dir, 'local', 'stream.back');
    writeFileSync(local, randomBytes(300 * 1024 + 7));
    await pipeline(createReadStream(local), sftp.createWriteStream('/streamed.bin'));
    await pipeline(sftp.createReadStream('/streamed.bin'), createWriteStream(back));
    expect(sha256(back)).toBe(sha256(local));
  });

  it('renames over an existing file', async () => {
    await writeRemote('/spec.json.tmp', '{"new":true}');
    await writeRemote('/spec.json', '{"old":true}');
    await call((done) => sftp.rename('/spec.json.tmp', '/spec.json', done));
    expect(await readRemote('/spec.json')).toBe('{"new":true}');
    await expect(stat('/spec.json.tmp')).rejects.toMatchObject({ code: STATUS_CODE.NO_SUCH_FILE });
  });

  it('lists a folder with sizes and ls-style long names', async () => {
    await call((done) => sftp.mkdir('/listing', done));
    await writeRemote('/listing/a.txt', 'abc');
    await writeRemote('/listing/b.txt', '');
    await call((done) => sftp.mkdir('/listing/sub', done));
    const entries = await call<FileEntry[]>((done) => sftp.readdir('/listing', done));
    const byName = new Map(entries.map((entry) => [entry.filename, entry]));
    expect([...byName.keys()].sort()).toEqual(['a.txt', 'b.txt', 'sub']);
    expect(byName.get('a.txt')?.attrs.size).toBe(3);
    expect(byName.get('a.txt')?.longname).toMatch(/^-rw.* 3 \w{3} [ \d]\d .* a\.txt$/);
    expect(byName.get('sub')?.longname).toMatch(/^d.* sub$/);
  });

  it('appends, truncates and refuses to create over an existing file exclusively', async () => {
    await writeRemote('/log.txt', 'one\n');
    await call((done) => sftp.appendFile('/log.txt', 'two\n', done));
    expect(await readRemote('/log.txt')).toBe('one\ntwo\n');
    await expect(call<Buffer>((done) => sftp.open('/log.txt', 'wx', done))).rejects.toMatchObject({ code: STATUS_CODE.FAILURE });
    await call((done) => sftp.setstat('/log.txt', { size: 3, mode: 0o600 }, done));
    expect(await readRemote('/log.txt')).toBe('one');
    expect((await stat('/log.txt')).mode & 0o777).toBe(0o600);
  });

  it('removes files and empty folders', async () => {
    await call((done) => sftp.mkdir('/gone', done));
    await writeRemote('/gone/file', 'x');
    await expect(call((done) => sftp.rmdir('/gone', done))).rejects.toMatchObject({ code: STATUS_CODE.FAILURE });
    await call((done) => sftp.unlink('/gone/file', done));
    await call((done) => sftp.rmdir('/gone', done));
    expect(existsSync(join(root, 'gone'))).toBe(false);
  });

  it('roots absolute paths at the host root and resolves . and ..', async () => {
    await expect(stat('/etc/passwd')).rejects.toMatchObject({ code: STATUS_CODE.NO_SUCH_FILE });
    expect(await call<string>((done) => sftp.realpath('.', done))).toBe('/');
    expect(await call<string>((done) => sftp.realpath('/runs/../etc/./', done))).toBe('/etc');
  });

  it.each([
    ['stat', () => stat('../../etc/passwd')],
    ['realpath', () => call<string>((done) => sftp.realpath('/..', done))],
    ['open for reading', () => call((done) => sftp.fastGet('../passwd', join(dir, 'local', 'stolen'), done))],
    ['open for writing', () => writeRemote('/etc/../../planted', 'x')],
    ['mkdir', () => call((done) => sftp.mkdir('../made', done))],
    ['rename out', () => call((done) => sftp.rename('/spec.json', '../../spec.json', done))],
    ['remove the root', () => call((done) => sftp.rmdir('/', done))],
    ['a symlink that leads outside', () => call<Buffer>((done) => sftp.readFile('/escape-link/passwd', done))],
    ['writing through a dangling symlink', () => writeRemote('/dangling-link', 'x')],
  ])('refuses to leave the root: %s', async (_, attempt) => {
    await expect(attempt()).rejects.toMatchObject({ code: STATUS_CODE.PERMISSION_DENIED });
    expect(existsSync(join(dir, 'planted'))).toBe(false);
    expect(existsSync(join(dir, 'made'))).toBe(false);
    expect(existsSync(join(dir, 'local', 'stolen'))).toBe(false);
    expect(existsSync(join(dir, 'not-yet'))).toBe(false);
  });

  it('answers OP_UNSUPPORTED for requests it does not serve', async () => {
    await expect(call((done) => sftp.symlink('/spec.json', '/link', done))).rejects.toMatchObject({
      code: STATUS_CODE.OP_UNSUPPORTED,
    });
  });
});
