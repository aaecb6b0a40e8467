import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { utils, type Client } from 'ssh2';
import { waitUntil, within } from '../../testing/src/index.js';
import { write, type ProgramContext } from './program.js';
import { connect, newClientKey, quote, run } from './ssh-client.fixture.js';
import { startSimulatedSshServer, type SimulatedSshServer } from './simulated-ssh-server.js';
import { generateEd25519KeyPair } from './ssh-key-pair.js';

describe('simulated SSH server', () => {
  const key = newClientKey();
  let dir: string;
  let root: string;
  let server: SimulatedSshServer;
  let client: Client;
  const received: { argv?: readonly string[]; stopReason?: unknown } = {};

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gpu-sim-ssh-'));
    root = join(dir, 'host');
    mkdirSync(root);
    writeFileSync(join(dir, 'outside.txt'), 'outside');
    server = await startSimulatedSshServer({
      root,
      authorizedKeys: [key.publicKey],
      programs: {
        'record-argv': async (ctx) => {
          received.argv = ctx.argv;
          await write(ctx.stdout, ctx.argv.slice(1).join('\0'));
          return 0;
        },
        'slow-lines': async (ctx) => {
          for (const line of ['one', 'two', 'three']) {
            await write(ctx.stdout, `${line}\n`);
            await delay(150);
          }
          return 0;
        },
        'until-stopped': async (ctx: ProgramContext) => {
          await write(ctx.stdout, 'started\n');
          await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
          received.stopReason = ctx.signal.reason;
          return 130;
        },
        'exit-with': async (ctx) => Number(ctx.argv[1]),
        'print-env': async (ctx) => {
          await write(ctx.stdout, `${ctx.env.LANG} ${ctx.env.HOME === ctx.cwd} ${ctx.env.USER}`);
          return 0;
        },
        explode: async () => {
          throw new Error('kaboom');
        },
      },
    });
    client = await connect(server, { privateKey: key.privateKey });
  });

  afterAll(async () => {
    client?.end();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('authentication', () => {
    it('accepts an authorized key and pins the host key by its SHA-256 fingerprint', async () => {
      const other = await connect(server, { privateKey: key.privateKey });
      expect((await run(other, 'true')).code).toBe(0);
      other.end();
    });

    it('refuses a key that is not authorized', async () => {
      await expect(connect(server, { privateKey: newClientKey().privateKey })).rejects.toMatchObject({
        level: 'client-authentication',
      });
    });

    it('refuses a password, even without any key', async () => {
      await expect(connect(server, { password: 'secret' })).rejects.toMatchObject({ level: 'client-authentication' });
    });

    it('refuses a client that expects another host key', async () => {
      await expect(connect(server, { privateKey: key.privateKey, hostVerifier: () => false })).rejects.toThrow(
        /verification failed/i,
      );
    });

    it('counts the connections that are open right now', async () => {
      await waitUntil(() => server.connections === 1, 'only the shared connection to remain');
      const other = await connect(server, { privateKey: key.privateKey });
      expect(server.connections).toBe(2);
      other.end();
      await waitUntil(() => server.connections === 1, 'the second connection to close');
    });
  });

  describe('built-in programs', () => {
    it.each([
      ['true', 0, '', ''],
      ['false', 1, '', ''],
      ['echo hello  world', 0, 'hello world\n', ''],
      ['echo -n no newline', 0, 'no newline', ''],
      [`printf %s a ${quote(' b ')} c`, 0, 'a b c', ''],
      [`printf ${quote('[%s]\\n')} x y`, 0, '[x]\n[y]\n', ''],
      ['printf %d 1', 1, '', "printf: unsupported format '%d' (only %s, %% and \\\\ \\n \\t \\r)\n"],
      ['sleep 0.05', 0, '', ''],
      ['sleep soon', 1, '', "sleep: invalid time interval 'soon'\n"],
      ['test -d /', 0, '', ''],
      ['test -f missing', 1, '', ''],
      ['test -d ../..', 2, '', 'test: ../..: path escapes the host root\n'],
      ['cat missing.txt', 1, '', 'cat: missing.txt: No such file or directory\n'],
      ['ls ../..', 2, '', "ls: cannot access '../..': path escapes the host root\n"],
      ['false && echo unreachable', 1, '', ''],
      ['true && echo reached', 0, 'reached\n', ''],
      ['sudo -n echo as root', 0, 'as root\n', ''],
    ])('%s → exit %i', async (command, code, stdout, stderr) => {
      expect(await run(client, command)).toMatchObject({ code, stdout, stderr });
    });

    it('creates, lists, hashes, reads and removes files inside the root', async () => {
      const content = 'weights\n';
      expect(await run(client, 'mkdir -p runs/run_1/out /abs/dir && test -d /runs/run_1/out')).toMatchObject({ code: 0 });
      expect(existsSync(join(root, 'abs', 'dir'))).toBe(true);
      writeFileSync(join(root, 'runs', 'run_1', 'b.txt'), content);
      writeFileSync(join(root, 'runs', 'run_1', 'a.txt'), content);
      writeFileSync(join(root, 'runs', 'run_1', '.hidden'), '');

      expect(await run(client, 'ls runs/run_1')).toMatchObject({ code: 0, stdout: 'a.txt\nb.txt\nout\n' });
      expect((await run(client, 'ls -a /runs/run_1')).stdout).toBe('.hidden\na.txt\nb.txt\nout\n');
      expect(await run(client, 'cat runs/run_1/a.txt /runs/run_1/b.txt')).toMatchObject({ code: 0, stdout: content + content });
      const digest = createHash('sha256').update(content).digest('hex');
      expect(await run(client, 'sha256sum runs/run_1/a.txt')).toMatchObject({ code: 0, stdout: `${digest}  runs/run_1/a.txt\n` });
      expect(await run(client, 'test -f runs/run_1/a.txt')).toMatchObject({ code: 0 });

      expect(await run(client, 'rm runs/run_1')).toMatchObject({ code: 1, stderr: "rm: cannot remove 'runs/run_1': Is a directory\n" });
      expect(await run(client, 'rm -rf runs/run_1 runs/never-there && test -d runs/run_1')).toMatchObject({ code: 1 });
      expect(existsSync(join(root, 'runs'))).toBe(true);
    });

    it('keeps every path inside the root', async () => {
      expect(await run(client, 'rm -rf ../outside.txt')).toMatchObject({
        code: 1,
        stderr: "rm: cannot remove '../outside.txt': path escapes the host root\n",
      });
      expect(await run(client, 'rm -rf /')).toMatchObject({
        code: 1,
        stderr: "rm: cannot remove '/': refusing to remove the host root\n",
      });
      expect(await run(client, 'cat /../outside.txt')).toMatchObject({ code: 1 });
      expect(existsSync(join(dir, 'outside.txt'))).toBe(true);
      expect(existsSync(root)).toBe(true);
    });
  });

  describe('command lines', () => {
    it('answers 127 for a program it does not have', async () => {
      expect(await run(client, 'nvidia-smi -L')).toMatchObject({
        code: 127,
        stderr: 'gpu-sim: nvidia-smi: command not found\n',
      });
    });

    it.each(['echo a; echo b', 'echo a | cat', 'echo a || true', 'echo $HOME', 'echo "a"', 'echo a > f', 'echo ~', 'X=1 echo', 'echo a &', "echo 'open", ''])(
      'refuses %j with exit 2',
      async (command) => {
        const result = await run(client, command);
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(/^gpu-sim: unsupported shell syntax: .+\n$/);
      },
    );

    it('hands hostile arguments to the program byte for byte', async () => {
      const hostile = [
        '',
        ' ',
        "'",
        "it's",
        "''\\''",
        '"$(touch pwned)"',
        '`id`',
        '$HOME',
        'a\nb',
        '\t',
        '\\',
        '*',
        '~',
        '#x',
        '; rm -rf /',
        '&&',
        '|',
        '-n',
        '--',
        '%s',
        'é 日本 😀',
        'x'.repeat(4096),
      ];
      const result = await run(client, ['sudo', '-n', 'record-argv', ...hostile].map(quote).join(' '));
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(received.argv).toEqual(['record-argv', ...hostile]);
      expect(result.stdout).toBe(hostile.join('\0'));
      expect(existsSync(join(root, 'pwned'))).toBe(false);
    });

    it('runs programs in the root with the environment the client sent', async () => {
      expect(await run(client, 'print-env', { env: { LANG: 'C.UTF-8', HOME: '/elsewhere' } })).toMatchObject({
        code: 0,
        stdout: 'C.UTF-8 true cosmos',
      });
    });

    it('passes the program exit code and turns a throw into exit 1 on stderr', async () => {
      expect((await run(client, 'exit-with 42')).code).toBe(42);
      expect(await run(client, 'explode')).toMatchObject({ code: 1, stderr: 'gpu-sim: explode: kaboom\n' });
    });

    it('streams output while the program runs', async () => {
      const result = await run(client, 'slow-lines');
      expect(result.stdout).toBe('one\ntwo\nthree\n');
      const first = result.stdoutAt[0];
      expect(first.text).toBe('one\n');
      expect(result.exitAt - first.ms).toBeGreaterThanOrEqual(300);
    });
  });

  describe('stopping a program', () => {
    beforeEach(() => {
      received.stopReason = undefined;
    });

    it('aborts it with HUP when the client closes the channel', async () => {
      await new Promise<void>((resolve, reject) => {
        client.exec('until-stopped', (error, channel) => {
          if (error) return reject(error);
          channel.once('data', () => {
            channel.close();
            resolve();
          });
        });
      });
      await waitUntil(() => received.stopReason !== undefined, 'the program to see the abort');
      expect(received.stopReason).toBe('HUP');
    });

    it('aborts it with the signal the client sends, and still reports the exit status', async () => {
      const result = await within(
        new Promise<number | null>((resolve, reject) => {
          client.exec('until-stopped', (error, channel) => {
            if (error) return reject(error);
            channel.once('data', () => channel.signal('TERM'));
            channel.on('exit', (code: number | null) => resolve(code));
            channel.resume();
          });
        }),
        'the exit status after TERM',
      );
      expect(received.stopReason).toBe('TERM');
      expect(result).toBe(130);
    });

    it('interrupts a built-in sleep with 128 + the signal number', async () => {
      const code = await within(
        new Promise<number | null>((resolve, reject) => {
          client.exec('sleep 30', (error, channel) => {
            if (error) return reject(error);
            setTimeout(() => channel.signal('INT'), 50);
            channel.on('exit', (exit: number | null) => resolve(exit));
            channel.resume();
          });
        }),
        'sleep to end on INT',
      );
      expect(code).toBe(130);
    });
  });

  it('runs ten exec channels at once on one connection', async () => {
    const before = server.execCount;
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => run(client, `sleep 0.3 && echo ${i}`)),
    );
    expect(results.map((result) => result.stdout)).toEqual(Array.from({ length: 10 }, (_, i) => `${i}\n`));
    expect(results.every((result) => result.code === 0)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(server.execCount - before).toBe(10);
  });
});

describe('simulated SSH server lifecycle', () => {
  it('serves a given host key and, on stop, hangs up running programs and open connections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpu-sim-stop-'));
    const key = newClientKey();
    const hostKey = generateEd25519KeyPair();
    const server = await startSimulatedSshServer({ root: dir, hostKey: hostKey.private, authorizedKeys: [key.publicKey] });
    try {
      const blob = utils.parseKey(hostKey.public);
      if (blob instanceof Error) throw blob;
      expect(server.hostKeyFingerprint).toBe(createHash('sha256').update(blob.getPublicSSH()).digest('base64'));

      const client = await connect(server, { privateKey: key.privateKey });
      const clientClosed = new Promise<void>((resolve) => client.on('close', () => resolve()));
      const sleeping = run(client, 'sleep 30');
      await waitUntil(() => server.execCount === 1, 'the sleep to start');

      const started = Date.now();
      await within(server.stop(), 'stop()');
      await within(clientClosed, 'the client to see the disconnect');
      await within(sleeping, 'the exec to end');
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(server.connections).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
