import { utils } from 'ssh2';

export interface SshKeyPair {
  /** OpenSSH private key text. */
  readonly private: string;
  /** `ssh-ed25519 AAAA…` public key line. */
  readonly public: string;
}

/** Far more than needed: each try is rejected with probability 1/256. */
const MAX_TRIES = 16;

/**
 * An ed25519 key pair that ssh2 itself can read back. ssh2's generateKeyPairSync drops the
 * leading zero byte of the public key in about 1 key in 256, and its own parser then refuses the
 * key ("Malformed OpenSSH private key"): a test host that started with such a key failed to boot
 * (CI saw it). Such pairs are simply generated again.
 */
export function generateEd25519KeyPair(): SshKeyPair {
  for (let tries = 1; ; tries++) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return pair;
    if (tries === MAX_TRIES) throw new Error(`gpu-sim: ssh2 produced ${MAX_TRIES} unreadable ed25519 keys in a row`);
  }
}
