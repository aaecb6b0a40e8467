import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { AccessPolicy, Principal } from '../../../../libs/auth/src/index.js';

/** What resolvers know about who is asking. */
export interface RequestContext {
  /** Recorded on every event a request causes: the token's name, or the local user's declared name. */
  readonly actor: string;
  readonly principal: Principal;
  /**
   * Every command one request issues shares it (a job, its runs, and what the worker does with
   * them), so `trace` finds all of it. A client may name its own to tie several requests together.
   */
  readonly correlationId: string;
}

export interface RequestSource {
  readonly req?: { headers: IncomingHttpHeaders };
  readonly connectionParams?: Record<string, unknown>;
}

const ACTOR_HEADER = 'x-cosmos-actor';
const CORRELATION_HEADER = 'x-correlation-id';
const ACTOR_PATTERN = /^[\w.@:-]{1,64}$/;
const CORRELATION_PATTERN = /^[\w.:-]{1,128}$/;

/** `Authorization` (HTTP) or the connection_init payload's `authorization` (WebSocket). */
export function presentedAuthorization(source: RequestSource): unknown {
  return source.req?.headers.authorization ?? source.connectionParams?.authorization ?? source.connectionParams?.Authorization;
}

/**
 * The caller, by its token (throws Unauthenticated without a valid one when tokens are in use).
 * With no tokens (loopback, one person) the caller may still name itself with `X-Cosmos-Actor` /
 * the `actor` connection param; a token's name always wins over any declared one. The correlation
 * is named by `X-Correlation-Id` / `correlationId`, or fresh per request.
 */
export function requestContext(policy: AccessPolicy, source: RequestSource): RequestContext {
  const principal = policy.authenticate(presentedAuthorization(source));
  const declared = source.req?.headers[ACTOR_HEADER] ?? source.connectionParams?.actor;
  const actor = !principal.authenticated && typeof declared === 'string' && ACTOR_PATTERN.test(declared) ? declared : principal.name;
  const named = source.req?.headers[CORRELATION_HEADER] ?? source.connectionParams?.correlationId;
  const correlationId = typeof named === 'string' && CORRELATION_PATTERN.test(named) ? named : randomUUID();
  return { actor, principal, correlationId };
}
