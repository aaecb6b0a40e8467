import type { Duplex } from 'node:stream';

/** What a listening program does with one accepted connection. */
export type ConnectionHandler = (socket: Duplex) => void;

/**
 * The simulated host's loopback ports. Nothing here opens a real socket: a container that
 * publishes a port (`docker run -p 127.0.0.1:8080:8080`) registers its handler, and the SSH
 * server hands it each `direct-tcpip` channel a client forwards to that port, as sshd would
 * connect to 127.0.0.1:8080 on a real node.
 */
export class HostPorts {
  private readonly open = new Map<number, ConnectionHandler>();

  /** Throws when the port is taken; answers the way to close it. */
  listen(port: number, handler: ConnectionHandler): () => void {
    if (this.open.has(port)) throw new Error(`Bind for 127.0.0.1:${port} failed: port is already allocated`);
    this.open.set(port, handler);
    return () => {
      if (this.open.get(port) === handler) this.open.delete(port);
    };
  }

  isOpen(port: number): boolean {
    return this.open.has(port);
  }

  /** The handler listening there, or undefined: the connection is refused. */
  handlerOf(port: number): ConnectionHandler | undefined {
    return this.open.get(port);
  }
}
