import { GraphQLError } from 'graphql';
import type { Principal } from '../../../../libs/auth/src/index.js';

interface SocketContext {
  readonly subscriptions: Readonly<Record<string, unknown>>;
}

/**
 * What one caller may hold open over graphql-ws: sockets per token, operations per socket. Each
 * live operation re-runs on every change it follows, so an unbounded number of them is an
 * unbounded load; the cost of each is bounded by QueryLimits.
 */
export class SocketQuota {
  private readonly socketsOf = new Map<string, number>();
  private readonly holders = new WeakMap<object, string>();

  constructor(
    private readonly maxSocketsPerToken: number,
    private readonly maxOperationsPerSocket: number,
  ) {}

  /** At connection_init: null admits the socket, else why it is refused. The local user is not counted. */
  admit(socket: object, principal: Principal): string | null {
    if (!principal.authenticated) return null;
    const open = this.socketsOf.get(principal.name) ?? 0;
    if (open >= this.maxSocketsPerToken) return `token ${principal.name} already holds ${open} sockets (at most ${this.maxSocketsPerToken})`;
    this.socketsOf.set(principal.name, open + 1);
    this.holders.set(socket, principal.name);
    return null;
  }

  /** When an admitted socket closes. */
  release(socket: object): void {
    const name = this.holders.get(socket);
    if (name === undefined) return;
    this.holders.delete(socket);
    const left = (this.socketsOf.get(name) ?? 1) - 1;
    if (left > 0) this.socketsOf.set(name, left);
    else this.socketsOf.delete(name);
  }

  /** At subscribe: the operation being started is already among the socket's. */
  operationRefusal(ctx: SocketContext): GraphQLError | null {
    const running = Object.keys(ctx.subscriptions).length;
    if (running <= this.maxOperationsPerSocket) return null;
    return new GraphQLError(`This socket already runs ${running - 1} operations (at most ${this.maxOperationsPerSocket}); complete one first`, {
      extensions: { code: 'TOO_MANY_OPERATIONS' },
    });
  }
}
