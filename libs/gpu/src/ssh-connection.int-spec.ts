import { execFile } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SshAborted, SshAuthFailed, SshConnectionLost, SshHostKeyRejected, SshTimeout, SshUnavailable } from './gpu.errors.js';
import { SshConnection, type SshLogger } from './ssh-connection.js';
import type { SshNodeConfig } from './ssh-node.config.js';
import { startOpenSshServer, type OpenSshServer } from '../../testing/src/hosts/index.js';
import { eventually } from '../../testing/src/index.js';

describe('SshConnection against a real OpenSSH sshd', () => {
  let server: OpenSshServer;
  const connections: SshConnection[] = [];

  beforeAll(async () => {
    server = await startOpenSshServer();
  });
  afterEach(async () => {
    await Promise.all(connections.splice(0).map((connection) => connection.close()));
  });
  afterAll(async () => {
    await server?.dispose();
  });

  function nodeConfig(change: Partial<SshNodeConfig> = {}): SshNodeConfig {
    return server.nodeConfig('gpu-test', join(server.dir, 'remote'), {
      connectTimeoutMs: 5_000,
      reconnect: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
      ...change,
    });
  }

  function connect(change: Partial<SshNodeConfig> = {}, logger?: SshLogger): SshConnection {
    const connection = new SshConnection(nodeConfig(change), { logger });
    connections.push(connection);
    return connection;
  }

  function recordingLogger() {
    const warnings: Record<string, unknown>[] = [];
    const logger: SshLogger = { log: () => {}, warn: (entry) => warnings.push(entry as Record<string, unknown>) };
    return { logger, warnings };
  }

  describe('exec', () => {
    it('streams stdout lines live and in order, and returns the exit code and stderr', async () => {
      const connection = connect();
      const lines: { line: string; at: number }[] = [];
      const errors: string[] = [];

      const result = await connection.exec(['sh', '-c', 'for i in 1 2 3 4; do echo "line $i"; sleep 0.15; done; echo oops >&2; exit 3'], {
        timeoutMs: 10_000,
        onStdout: (line) => lines.push({ line, at: Date.now() }),
        onStderr: (line) => errors.push(line),
      });
      const finishedAt = Date.now();

      expect(lines.map(({ line }) => line)).toEqual(['line 1', 'line 2', 'line 3', 'line 4']);
      // Live: the first line was delivered well before the command finished, not all at the end.
      expect(finishedAt - (lines[0] as { at: number }).at).toBeGreaterThanOrEqual(300);
      expect(errors).toEqual(['oops']);
      expect(result).toEqual({ exitCode: 3, signal: null, stdout: 'line 1\nline 2\nline 3\nline 4\n', stderr: 'oops\n', truncated: false });
    });

    it('delivers hostile arguments to the remote program byte-exact', async () => {
      const connection = connect();
      const hostile = [
        "it's a 'quote'",
        '"double" \\back\\slash',
        '$(rm -rf /)',
        '`rm -rf /`',
        '${HOME} $HOME $$ $0',
        'line one\nline two\n',
        '\r\t\u0007',
        '* ? [a-z] ~ ~root',
        '; rm -rf / & | > /tmp/x < /etc/passwd',
        'FOO=bar',
        '-n',
        'naïve — 日本語 🎬',
        '',
        ' ',
      ];

      const result = await connection.exec(['printf', '%s\\0', ...hostile], { timeoutMs: 10_000 });

      expect(result.exitCode).toBe(0);
      expect(result.stdout.split('\0').slice(0, -1)).toEqual(hostile);
    });

    it('caps the output it keeps in memory but streams every line', async () => {
      let lines = 0;

      const result = await connect().exec(['sh', '-c', 'yes line | head -n 200000'], {
        timeoutMs: 10_000,
        maxOutputBytes: 100_000,
        onStdout: () => lines++,
      });

      expect(lines).toBe(200_000);
      expect(result).toMatchObject({ exitCode: 0, truncated: true });
      expect(result.stdout).toHaveLength(100_000);
      expect(result.stdout.startsWith('line\nline\n')).toBe(true);
    });

    it('reports a missing program by its exit code and stderr', async () => {
      const result = await connect().exec(['no-such-program-cosmos', '--x'], { timeoutMs: 10_000 });

      expect(result.exitCode).toBe(127);
      expect(result.stderr).toMatch(/no-such-program-cosmos.*not found/);
    });

    // sshd delivers the KILL signal request to a non-root login (CI's cosmos-ci); for a root login it
    // ignores it, and what ends the command is the closed channel: its next write gets SIGPIPE.
    it('reports SshTimeout, closes the channel and so ends a command that keeps writing', async () => {
      const connection = connect();
      const tick = `tick-${Math.random()}`;
      const lines: string[] = [];
      const started = Date.now();

      const error = await connection
        .exec(['sh', '-c', `while :; do echo ${tick}; sleep 0.05; done`], { timeoutMs: 400, onStdout: (line) => lines.push(line) })
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(SshTimeout);
      expect(error).toMatchObject({ code: 'SSH_TIMEOUT', program: 'sh', timeoutMs: 400, node: 'gpu-test' });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(lines.length).toBeGreaterThan(1);
      await eventually(() => expect(processesRunning(tick)).toEqual([]));
      // The connection is still usable afterwards.
      await expect(connection.exec(['true'], { timeoutMs: 10_000 })).resolves.toMatchObject({ exitCode: 0 });
    });

    it('does not wait for a silent command to end before reporting SshTimeout', async () => {
      const started = Date.now();

      await expect(connect().exec(['sleep', '7.5'], { timeoutMs: 300 })).rejects.toBeInstanceOf(SshTimeout);
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('stops the command and rejects with SshAborted when the caller aborts', async () => {
      const connection = connect();
      const tick = `tick-${Math.random()}`;
      const controller = new AbortController();

      const running = connection.exec(['sh', '-c', `while :; do echo ${tick}; sleep 0.05; done`], {
        timeoutMs: 10_000,
        signal: controller.signal,
        onStdout: () => controller.abort(),
      });

      await expect(running).rejects.toBeInstanceOf(SshAborted);
      await eventually(() => expect(processesRunning(tick)).toEqual([]));
    });

    it('stops the command when a line callback throws, and rejects with that error', async () => {
      const failure = new Error('subscriber failed');

      const running = connect().exec(['sh', '-c', 'echo one; sleep 5'], {
        timeoutMs: 10_000,
        onStdout: () => {
          throw failure;
        },
      });

      await expect(running).rejects.toBe(failure);
    });

    it('refuses an argv that cannot be quoted before connecting', async () => {
      const connection = connect();

      await expect(connection.exec(['printf', 'a\0b'], { timeoutMs: 1_000 })).rejects.toThrow(/NUL/);
      expect(connection.isConnected).toBe(false);
    });
  });

  describe('host keys', () => {
    it('refuses a host key that nothing pins, naming its fingerprint', async () => {
      const logins = server.acceptedLogins();
      const connection = connect({ hostKeyFingerprint: undefined });

      const error = await connection.exec(['true'], { timeoutMs: 5_000 }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(SshHostKeyRejected);
      expect(error).toMatchObject({ reason: 'UNKNOWN', fingerprint: server.hostKeyFingerprint, keyType: 'ssh-ed25519' });
      expect(server.acceptedLogins()).toBe(logins);
    });

    it('refuses a key that differs from the pinned one, even when unknown keys are trusted', async () => {
      const wrong = `SHA256:${'A'.repeat(43)}`;
      const connection = connect({ hostKeyFingerprint: wrong, trustUnknownHostKey: true });

      await expect(connection.exec(['true'], { timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'SSH_HOST_KEY_REJECTED', reason: 'MISMATCH' });
    });

    it('accepts the pinned fingerprint and a known_hosts line', async () => {
      await expect(connect().exec(['true'], { timeoutMs: 5_000 })).resolves.toMatchObject({ exitCode: 0 });
      const byKnownHosts = connect({ hostKeyFingerprint: undefined, knownHosts: `# pinned\n${server.knownHostsLine}\n` });
      await expect(byKnownHosts.exec(['true'], { timeoutMs: 5_000 })).resolves.toMatchObject({ exitCode: 0 });
    });

    it('accepts an unpinned key only when told to, and logs its fingerprint', async () => {
      const { logger, warnings } = recordingLogger();
      const connection = connect({ hostKeyFingerprint: undefined, trustUnknownHostKey: true }, logger);

      await expect(connection.exec(['true'], { timeoutMs: 5_000 })).resolves.toMatchObject({ exitCode: 0 });
      expect(warnings).toEqual([expect.objectContaining({ fingerprint: server.hostKeyFingerprint, knownHostsLine: server.knownHostsLine })]);
    });
  });

  describe('connection lifecycle', () => {
    it('runs 20 commands, sequential and concurrent, over one SSH connection', async () => {
      const logins = server.acceptedLogins();
      const connection = connect({ maxChannels: 4 });
      let ready = 0;
      connection.on('ready', () => ready++);

      for (let i = 0; i < 10; i++) {
        await expect(connection.exec(['echo', `sequential ${i}`], { timeoutMs: 10_000 })).resolves.toMatchObject({ stdout: `sequential ${i}\n` });
      }
      const concurrent = await Promise.all(
        Array.from({ length: 10 }, (_, i) => connection.exec(['echo', `concurrent ${i}`], { timeoutMs: 10_000 })),
      );

      expect(concurrent.map((result) => result.stdout)).toEqual(Array.from({ length: 10 }, (_, i) => `concurrent ${i}\n`));
      expect(ready).toBe(1);
      expect(server.acceptedLogins() - logins).toBe(1);
    });

    it('fails a running command with SshConnectionLost when the host goes down, and reconnects once it is back', async () => {
      const connection = connect({ reconnect: { maxAttempts: 12, baseDelayMs: 50, maxDelayMs: 300 } });
      let ready = 0;
      connection.on('ready', () => ready++);
      await connection.exec(['true'], { timeoutMs: 5_000 });

      const running = connection.exec(['sleep', '10'], { timeoutMs: 20_000 }).catch((e: unknown) => e);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const disconnected = new Promise((resolve) => connection.once('disconnected', resolve));
      await server.stop();

      expect(await running).toBeInstanceOf(SshConnectionLost);
      await disconnected;
      expect(connection.isConnected).toBe(false);

      // The next command finds the host down and keeps trying, within its bounded attempts, until it is back.
      const afterRestart = connection.exec(['echo', 'back'], { timeoutMs: 5_000 });
      await new Promise((resolve) => setTimeout(resolve, 400));
      await server.start();

      await expect(afterRestart).resolves.toMatchObject({ exitCode: 0, stdout: 'back\n' });
      expect(ready).toBe(2);
    });

    it('gives up with SshUnavailable after the configured attempts against a closed port', async () => {
      const { logger, warnings } = recordingLogger();
      const connection = connect({ port: await closedPort() }, logger);

      const error = await connection.exec(['true'], { timeoutMs: 5_000 }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(SshUnavailable);
      expect(error).toMatchObject({ code: 'SSH_UNAVAILABLE', attempts: 3 });
      expect((error as Error).message).toMatch(/ECONNREFUSED/);
      // The same refusal each time is warned the 1st, 2nd and 4th time, not on every attempt.
      expect(warnings.map((warning) => warning.attempt)).toEqual([1, 2]);
      await connection.exec(['true'], { timeoutMs: 5_000 }).catch(() => undefined);
      expect(warnings.map((warning) => [warning.attempt, warning.repeats])).toEqual([[1, 1], [2, 2], [1, 4]]);
      expect(connection.reconnectingAfter).toBeNull();
    });

    it('fails at once with SshAuthFailed when the server refuses the key', async () => {
      const { logger, warnings } = recordingLogger();
      const otherKey = join(server.dir, 'stranger_ed25519');
      await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
      const connection = connect({ privateKeyPath: otherKey }, logger);

      await expect(connection.exec(['true'], { timeoutMs: 5_000 })).rejects.toBeInstanceOf(SshAuthFailed);
      expect(warnings).toEqual([]);
    });

    it('uses a passphrase-protected key, and fails at once with a wrong passphrase', async () => {
      const lockedKey = join(server.dir, 'locked_ed25519');
      await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-a', '1', '-N', 'open sesame', '-f', lockedKey]);
      appendFileSync(join(server.dir, 'authorized_keys'), readFileSync(`${lockedKey}.pub`));

      await expect(connect({ privateKeyPath: lockedKey, passphrase: 'open sesame' }).exec(['true'], { timeoutMs: 5_000 })).resolves.toMatchObject({
        exitCode: 0,
      });
      const wrong = connect({ privateKeyPath: lockedKey, passphrase: 'guess' }).exec(['true'], { timeoutMs: 5_000 });
      await expect(wrong).rejects.toBeInstanceOf(SshAuthFailed);
      await expect(wrong).rejects.not.toThrow(/guess/);
    });

    it('never echoes key material: a broken key file fails with its path, not its content, in the error or the log', async () => {
      const broken = join(server.dir, 'broken_key');
      writeFileSync(broken, '-----BEGIN OPENSSH PRIVATE KEY-----\nU0VDUkVUTUFSS0VSU0VDUkVUTUFSS0VS\nSECRETMARKER\n-----END OPENSSH PRIVATE KEY-----\n', { mode: 0o600 });
      const { logger, warnings } = recordingLogger();
      const attempt = connect({ privateKeyPath: broken, passphrase: 'hunter2' }, logger).exec(['true'], { timeoutMs: 5_000 });
      await expect(attempt).rejects.toBeInstanceOf(SshAuthFailed);
      const said = `${String(await attempt.catch((error: Error) => `${error.message} ${error.stack}`))} ${JSON.stringify(warnings)}`;
      expect(said).toContain(broken);
      expect(said).not.toMatch(/SECRETMARKER|U0VDUkVU|hunter2/);
    });

    it('refuses work after close', async () => {
      const connection = connect();
      await connection.exec(['true'], { timeoutMs: 5_000 });
      await connection.close();

      await expect(connection.exec(['true'], { timeoutMs: 5_000 })).rejects.toBeInstanceOf(SshUnavailable);
    });

    it('reuses one SFTP session', async () => {
      const connection = connect();

      expect(await connection.sftp()).toBe(await connection.sftp());
    });
  });
});


/** Processes on this machine (the "remote" host) whose command line contains `text`. */
function processesRunning(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** A port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
