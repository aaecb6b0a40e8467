export { AccessPolicy, isLoopback } from './access-policy.js';
export { Forbidden, Unauthenticated } from './auth.errors.js';
export { type Principal, type Role, roleCovers, SYSTEM_ACTORS } from './roles.js';
export { mintToken, tokenDigest } from './tokens.js';
export { ROLES } from './roles.js';
