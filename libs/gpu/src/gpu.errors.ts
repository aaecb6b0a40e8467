import { assertNever } from '../../domain/src/index.js';

/**
 * Everything that can go wrong between the worker and a GPU node, as a closed set: the worker maps
 * `code` to a job failure reason in one place. `node` is the configured node name, never a secret.
 */
export type GpuTransportErrorCode =
  | 'SSH_UNAVAILABLE'
  | 'SSH_HOST_KEY_REJECTED'
  | 'SSH_AUTH_FAILED'
  | 'SSH_CONNECTION_LOST'
  | 'SSH_TIMEOUT'
  | 'SSH_ABORTED'
  | 'REMOTE_PATH_REFUSED'
  | 'TRANSFER_FAILED';

export abstract class GpuTransportError extends Error {
  abstract readonly code: GpuTransportErrorCode;

  constructor(
    readonly node: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${node}: ${message}`, options);
    this.name = new.target.name;
  }
}

/** No working connection after every allowed attempt (or the connection was closed by us). */
export class SshUnavailable extends GpuTransportError {
  readonly code = 'SSH_UNAVAILABLE';

  constructor(
    node: string,
    readonly attempts: number,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(node, attempts > 0 ? `unreachable after ${attempts} attempt(s): ${detail}` : detail, options);
  }
}

export type HostKeyRejection = 'UNKNOWN' | 'MISMATCH' | 'REVOKED';

/** The server's host key is not the pinned one; never retried, it needs an operator. */
export class SshHostKeyRejected extends GpuTransportError {
  readonly code = 'SSH_HOST_KEY_REJECTED';

  constructor(
    node: string,
    readonly reason: HostKeyRejection,
    /** `SHA256:…` of the key the server presented, so an operator can pin it after checking it. */
    readonly fingerprint: string,
    readonly keyType: string,
  ) {
    super(node, `host key ${keyType} ${fingerprint} refused (${describeRejection(reason)})`);
  }
}

/** The server refused our key, or the private key cannot be read or decrypted; never retried. */
export class SshAuthFailed extends GpuTransportError {
  readonly code = 'SSH_AUTH_FAILED';
}

/**
 * The connection dropped while a command ran. The command may or may not have completed remotely,
 * so it is not repeated automatically; callers re-attach (for example by container name).
 */
export class SshConnectionLost extends GpuTransportError {
  readonly code = 'SSH_CONNECTION_LOST';
}

/** A command ran longer than its timeout; its remote process group was killed. */
export class SshTimeout extends GpuTransportError {
  readonly code = 'SSH_TIMEOUT';

  constructor(
    node: string,
    readonly program: string,
    readonly timeoutMs: number,
  ) {
    super(node, `${program} did not finish within ${timeoutMs} ms and was killed`);
  }
}

/** The caller's AbortSignal fired; the remote process group was killed. */
export class SshAborted extends GpuTransportError {
  readonly code = 'SSH_ABORTED';
}

/** A remote path outside the node's remote directory, or not a plain absolute path. */
export class RemotePathRefused extends GpuTransportError {
  readonly code = 'REMOTE_PATH_REFUSED';

  constructor(
    node: string,
    readonly path: string,
    detail: string,
  ) {
    super(node, `remote path ${JSON.stringify(path)} refused: ${detail}`);
  }
}

export type TransferFailure = 'LOCAL_MISSING' | 'REMOTE_MISSING' | 'NOT_A_FILE' | 'NOT_A_DIRECTORY' | 'SIZE_MISMATCH' | 'IO';

/** An upload, download or remote folder operation that did not complete; no partial file is left under a final name. */
export class TransferFailed extends GpuTransportError {
  readonly code = 'TRANSFER_FAILED';

  constructor(
    node: string,
    readonly reason: TransferFailure,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(node, detail, options);
  }
}

function describeRejection(reason: HostKeyRejection): string {
  switch (reason) {
    case 'UNKNOWN':
      return 'not pinned; set hostKeyFingerprint or knownHosts for this node';
    case 'MISMATCH':
      return 'does not match the pinned key';
    case 'REVOKED':
      return 'marked @revoked in known_hosts';
    default:
      return assertNever(reason);
  }
}

/**
 * The node does not let us in: no connection after every attempt, or a host key or login it
 * refuses (as opposed to a command or transfer that failed on a node that answers). A session that
 * dropped mid-command is not this: the next attempt decides, and a failed one says so itself.
 */
export function isNodeUnreachable(error: unknown): boolean {
  return error instanceof SshUnavailable || error instanceof SshHostKeyRejected || error instanceof SshAuthFailed;
}

/**
 * The node answered, but nothing listens on that loopback port (a model server still loading, or
 * gone). Not a transport failure: the connection is fine.
 */
export class PortForwardRefused extends Error {
  constructor(
    readonly port: number,
    detail: string,
  ) {
    super(`nothing accepts connections on the node's 127.0.0.1:${port} (${detail})`);
    this.name = 'PortForwardRefused';
  }
}
