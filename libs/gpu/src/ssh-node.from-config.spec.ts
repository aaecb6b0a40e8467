import type { GpuNodeConfig } from '../../config/src/index.js';
import { resolveSshNode } from './ssh-node.config.js';
import { toSshNodeConfig } from './ssh-node.from-config.js';

const KNOWN_HOSTS = '10.0.0.5 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n';

const node: GpuNodeConfig = {
  name: 'a100-1',
  host: '10.0.0.5',
  port: 2222,
  user: 'cosmos',
  privateKeyPath: '/keys/id_ed25519',
  passphraseEnv: undefined,
  knownHosts: undefined,
  hostKeyFingerprint: undefined,
  trustUnknownHostKey: true,
  remoteDir: '/srv/cosmos',
  image: 'nvcr.io/cosmos:1',
  gpuDevices: undefined,
  gpuCount: undefined,
  dockerArgs: [],
  sudo: true,
  connectTimeoutMs: 10000,
  keepaliveIntervalMs: 15000,
  keepaliveCountMax: 4,
};

describe('toSshNodeConfig', () => {
  it('maps a configured node to what resolveSshNode accepts', () => {
    const config = toSshNodeConfig(node, {});

    expect(config).toEqual({
      name: 'a100-1',
      host: '10.0.0.5',
      port: 2222,
      user: 'cosmos',
      privateKeyPath: '/keys/id_ed25519',
      remoteDir: '/srv/cosmos',
      sudo: true,
      connectTimeoutMs: 10000,
      keepaliveIntervalMs: 15000,
      keepaliveCountMax: 4,
      trustUnknownHostKey: true,
    });
    expect(resolveSshNode(config)).toMatchObject({ name: 'a100-1', port: 2222, remoteDir: '/srv/cosmos' });
  });

  it('fetches the passphrase from the environment variable the node names', () => {
    expect(toSshNodeConfig({ ...node, passphraseEnv: 'NODE1_PASSPHRASE' }, { NODE1_PASSPHRASE: 's3cret' }).passphrase).toBe('s3cret');
  });

  it.each([{}, { NODE1_PASSPHRASE: '' }])('names the node and the variable when the passphrase variable is missing (%j)', (env) => {
    expect(() => toSshNodeConfig({ ...node, passphraseEnv: 'NODE1_PASSPHRASE' }, env)).toThrow(
      'GPU node "a100-1": passphrase_env names NODE1_PASSPHRASE, which is not set',
    );
  });

  it('reads the known_hosts file and carries a pinned fingerprint', () => {
    const fingerprint = 'SHA256:' + 'A'.repeat(43);
    const config = toSshNodeConfig({ ...node, trustUnknownHostKey: false, knownHosts: '/etc/kh', hostKeyFingerprint: fingerprint }, {}, (file) => {
      expect(file).toBe('/etc/kh');
      return KNOWN_HOSTS;
    });

    expect(config).toMatchObject({ knownHosts: KNOWN_HOSTS, hostKeyFingerprint: fingerprint, trustUnknownHostKey: false });
  });

  it('names the node when the known_hosts file cannot be read', () => {
    expect(() => toSshNodeConfig({ ...node, knownHosts: '/nowhere/known_hosts' }, {})).toThrow(
      /^GPU node "a100-1": cannot read known_hosts \/nowhere\/known_hosts: ENOENT/,
    );
  });
});
