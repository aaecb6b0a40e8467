import { backoffDelayMs, resolveSshNode, type SshNodeConfig } from './ssh-node.config.js';

const node: SshNodeConfig = {
  name: 'gpu-1',
  host: '127.0.0.1',
  user: 'cosmos',
  privateKeyPath: '/keys/id_ed25519',
  remoteDir: '/srv/cosmos/',
  hostKeyFingerprint: 'SHA256:tq/FajgzBTeWOW8ny85VdacXWCy2Sde0irEiCfd1POI=',
};

describe('resolveSshNode', () => {
  it('fills defaults and normalizes the remote folder and the fingerprint', () => {
    expect(resolveSshNode(node)).toMatchObject({
      port: 22,
      sudo: false,
      remoteDir: '/srv/cosmos',
      hostKeyFingerprint: 'SHA256:tq/FajgzBTeWOW8ny85VdacXWCy2Sde0irEiCfd1POI',
      reconnect: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 10_000 },
      maxChannels: 8,
    });
    expect(resolveSshNode({ ...node, reconnect: { maxAttempts: 2 } }).reconnect).toEqual({ maxAttempts: 2, baseDelayMs: 500, maxDelayMs: 10_000 });
  });

  it('leaves the passphrase out, so the resolved node can be logged', () => {
    expect(resolveSshNode({ ...node, passphrase: 'secret' })).not.toHaveProperty('passphrase');
  });

  it.each([
    [{ port: 70000 }, /port 70000 is not a TCP port/],
    [{ remoteDir: 'relative/dir' }, /remoteDir/],
    [{ remoteDir: '/' }, /remoteDir/],
    [{ remoteDir: '/srv/..' }, /remoteDir/],
    [{ hostKeyFingerprint: 'MD5:aa:bb' }, /hostKeyFingerprint/],
    [{ knownHosts: 'garbage' }, /knownHosts holds no usable line/],
    [{ reconnect: { maxAttempts: 0 } }, /reconnect.maxAttempts/],
    [{ reconnect: { baseDelayMs: 100, maxDelayMs: 50 } }, /reconnect.maxDelayMs/],
    [{ name: 'a b' }, /name/],
  ])('refuses %o', (change, message) => {
    expect(() => resolveSshNode({ ...node, ...change } as SshNodeConfig)).toThrow(message);
  });
});

describe('backoffDelayMs', () => {
  const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };

  it('doubles from the base delay up to the cap', () => {
    const fixed = () => 1;
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelayMs(attempt, policy, fixed))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('jitters between half and all of the ceiling', () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(200);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(300);
  });
});
