import { readFileSync } from 'node:fs';
import type { GpuNodeConfig } from '../../config/src/index.js';
import { resolveSshNode, type SshNodeConfig } from './ssh-node.config.js';

/**
 * The SSH side of a `[[gpu.nodes]]` table: the passphrase is fetched from the environment variable
 * the file names, and the known_hosts file is read, so a node that could never connect fails at
 * start-up with its name rather than on its first job. The result has passed resolveSshNode.
 */
export function toSshNodeConfig(node: GpuNodeConfig, env: NodeJS.ProcessEnv, readFile: (file: string) => string = readText): SshNodeConfig {
  const problem = (detail: string): never => {
    throw new TypeError(`GPU node ${JSON.stringify(node.name)}: ${detail}`);
  };
  let passphrase: string | undefined;
  if (node.passphraseEnv !== undefined) {
    passphrase = env[node.passphraseEnv];
    // An empty passphrase never unlocks an encrypted key; say which variable is missing instead.
    if (!passphrase) problem(`passphrase_env names ${node.passphraseEnv}, which is not set`);
  }
  let knownHosts: string | undefined;
  if (node.knownHosts !== undefined) {
    try {
      knownHosts = readFile(node.knownHosts);
    } catch (error) {
      problem(`cannot read known_hosts ${node.knownHosts}: ${(error as Error).message}`);
    }
  }
  const config: SshNodeConfig = {
    name: node.name,
    host: node.host,
    port: node.port,
    user: node.user,
    privateKeyPath: node.privateKeyPath,
    ...(passphrase === undefined ? {} : { passphrase }),
    remoteDir: node.remoteDir,
    sudo: node.sudo,
    connectTimeoutMs: node.connectTimeoutMs,
    keepaliveIntervalMs: node.keepaliveIntervalMs,
    keepaliveCountMax: node.keepaliveCountMax,
    ...(node.hostKeyFingerprint === undefined ? {} : { hostKeyFingerprint: node.hostKeyFingerprint }),
    ...(knownHosts === undefined ? {} : { knownHosts }),
    trustUnknownHostKey: node.trustUnknownHostKey,
  };
  resolveSshNode(config);
  return config;
}

function readText(file: string): string {
  return readFileSync(file, 'utf8');
}
