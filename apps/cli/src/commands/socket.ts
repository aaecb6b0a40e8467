import type { Client } from 'graphql-ws';
import { CliError, EXIT } from '../client/cli-error.js';
import type { CommandContext } from '../context.js';

/** Bounded reconnects of the WebSocket before a follow gives up (exit 5); the service goes on regardless. */
const RETRY_ATTEMPTS = 5;

/**
 * The service's GraphQL WebSocket, with the same token (or declared actor) as HTTP calls and the
 * call timeout on its handshake. Loaded only by the commands that follow something live.
 */
export async function openSocket(ctx: CommandContext): Promise<Client> {
  const [{ createClient }, { default: WebSocket }] = await Promise.all([import('graphql-ws'), import('ws')]);
  const handshakeTimeout = ctx.client.connection.timeoutMs;
  return createClient({
    url: ctx.client.websocketUrl,
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { handshakeTimeout });
      }
    },
    connectionParams: () => {
      const { authorization, 'x-cosmos-actor': actor } = ctx.client.headers();
      return authorization === undefined ? { actor } : { authorization, actor };
    },
    retryAttempts: RETRY_ATTEMPTS,
    lazy: false,
  });
}

/**
 * Runs a subscription until it completes (done), fails, or the user presses Ctrl-C: then it is
 * stopped and the command ends with exit 130, nothing more said.
 */
export function untilInterrupted(subscribe: (done: () => void, fail: (error: Error) => void) => () => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const interrupted = () => {
      stop();
      reject(new CliError(EXIT.interrupted, ''));
    };
    const settle = <T>(end: (value: T) => void) => (value: T) => {
      process.removeListener('SIGINT', interrupted);
      end(value);
    };
    const stop = subscribe(settle(resolve), settle(reject));
    process.once('SIGINT', interrupted);
  });
}
