import type { IncomingHttpHeaders } from 'node:http';

/** What resolvers know about who is asking. There is no authentication yet: the actor is declared. */
export interface RequestContext {
  readonly actor: string;
}

const ACTOR_HEADER = 'x-cosmos-actor';
const ACTOR_PATTERN = /^[\w.@:-]{1,64}$/;

/** The actor named by the `X-Cosmos-Actor` header (HTTP) or `actor` connection param (WebSocket). */
export function requestContext(args: { req?: { headers: IncomingHttpHeaders }; connectionParams?: Record<string, unknown> }): RequestContext {
  const declared = args.req?.headers[ACTOR_HEADER] ?? args.connectionParams?.actor;
  const actor = typeof declared === 'string' && ACTOR_PATTERN.test(declared) ? declared : 'anonymous';
  return { actor };
}
