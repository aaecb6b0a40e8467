import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal, Role } from './roles.js';

export interface TokenEntry {
  readonly name: string;
  readonly role: Role;
  /** SHA-256 of the token, hex: the service never holds a token itself. */
  readonly sha256: string;
}

const TOKEN_PREFIX = 'cw_';

/** 256 random bits; the prefix makes a leaked one easy to find with a secret scanner. */
export function mintToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The issued tokens, by digest. A lookup compares against every entry in constant time. */
export class TokenBook {
  private readonly digests: readonly { readonly entry: TokenEntry; readonly digest: Buffer }[];

  constructor(entries: readonly TokenEntry[]) {
    this.digests = entries.map((entry) => ({ entry, digest: Buffer.from(entry.sha256, 'hex') }));
  }

  get size(): number {
    return this.digests.length;
  }

  /** The principal a presented token stands for, or null. */
  identify(token: string): Principal | null {
    const presented = Buffer.from(tokenDigest(token), 'hex');
    let found: TokenEntry | null = null;
    // No early exit: how long this takes does not tell which entry, if any, matched.
    for (const { entry, digest } of this.digests) {
      if (timingSafeEqual(presented, digest) && found === null) found = entry;
    }
    return found && { name: found.name, role: found.role, authenticated: true };
  }
}
