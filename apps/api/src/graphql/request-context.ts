import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** What resolvers know about who is asking. There is no authentication yet: the actor is declared. */
export interface RequestContext {
  readonly actor: string;
  /**
   * Every command one request issues shares it (a job, its runs, and what the worker does with
   * them), so `trace` finds all of it. A client may name its own to tie several requests together.
   */
  readonly correlationId: string;
}

const ACTOR_HEADER = 'x-cosmos-actor';
const CORRELATION_HEADER = 'x-correlation-id';
const ACTOR_PATTERN = /^[\w.@:-]{1,64}$/;
const CORRELATION_PATTERN = /^[\w.:-]{1,128}$/;

/**
 * The actor named by the `X-Cosmos-Actor` header (HTTP) or `actor` connection param (WebSocket),
 * and the correlation named by `X-Correlation-Id` / `correlationId`, or a fresh one per request.
 */
export function requestContext(args: { req?: { headers: IncomingHttpHeaders }; connectionParams?: Record<string, unknown> }): RequestContext {
  const declared = args.req?.headers[ACTOR_HEADER] ?? args.connectionParams?.actor;
  const actor = typeof declared === 'string' && ACTOR_PATTERN.test(declared) ? declared : 'anonymous';
  const named = args.req?.headers[CORRELATION_HEADER] ?? args.connectionParams?.correlationId;
  const correlationId = typeof named === 'string' && CORRELATION_PATTERN.test(named) ? named : randomUUID();
  return { actor, correlationId };
}
