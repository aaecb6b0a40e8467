import { DomainError } from '../../domain/src/index.js';
import type { Role } from './roles.js';

/** No token, or one nobody issued: the caller is unknown (HTTP 401, WebSocket close 4401). */
export class Unauthenticated extends DomainError<{ reason: 'missing' | 'unknown' | 'malformed' }> {
  constructor(reason: 'missing' | 'unknown' | 'malformed') {
    const said = {
      missing: 'a token is required: send "Authorization: Bearer <token>" (WebSocket: connection_init payload { "authorization": "Bearer <token>" })',
      unknown: 'the token is not one this service issued',
      malformed: 'the Authorization header must be "Bearer <token>"',
    }[reason];
    super('UNAUTHENTICATED', said, { reason });
  }
}

/** A known caller whose role does not cover what it asked (HTTP 403, WebSocket close 4403). */
export class Forbidden extends DomainError<{ needed: Role; held: Role; what: string }> {
  constructor(what: string, needed: Role, held: Role) {
    super('FORBIDDEN', `${what} needs the ${needed} role; this token has ${held}`, { needed, held, what });
  }
}
