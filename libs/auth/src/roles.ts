import { TOKEN_ROLES } from '../../config/src/index.js';

/** Each role may do all that the ones before it may; the list is the one [[auth.tokens]] accepts. */
export const ROLES = TOKEN_ROLES;
export type Role = (typeof ROLES)[number];

export function roleCovers(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

/** Who is asking: a token's name and role, or the local user when no tokens are in use. */
export interface Principal {
  readonly name: string;
  readonly role: Role;
  /** Through a token (false: loopback with no tokens configured, where the caller is trusted). */
  readonly authenticated: boolean;
}

/**
 * The service's own actors, recorded on the events of the steps it takes by itself (no token asks
 * for them). The `system:` prefix cannot be a token's name (names are letters, digits, `-`, `_`, `.`).
 */
export const SYSTEM_ACTORS = { worker: 'system:worker' } as const;
