import { utils } from 'ssh2';
import { generateEd25519KeyPair } from './ssh-key-pair.js';

describe('generateEd25519KeyPair', () => {
  it('only hands out pairs that ssh2 parses back, with the public half matching the private one', () => {
    // ssh2's own generator yields an unreadable key about once in 256; 1,500 pairs would hit
    // several of them.
    for (let i = 0; i < 1_500; i++) {
      const pair = generateEd25519KeyPair();
      const privateKey = utils.parseKey(pair.private);
      const publicKey = utils.parseKey(pair.public);
      if (privateKey instanceof Error || publicKey instanceof Error) throw new Error(`pair ${i} does not parse`);
      const [priv, pub] = [privateKey, publicKey].map((key) => (Array.isArray(key) ? key[0] : key));
      expect(priv.getPublicSSH().equals(pub.getPublicSSH())).toBe(true);
    }
  });
});
