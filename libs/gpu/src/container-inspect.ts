import { dockerInspect } from './docker-command.js';
import type { SshConnection } from './ssh-connection.js';

/** What `docker inspect` says of a container by name: docker's state word and exit code, or that there is none. */
export type InspectedContainer = { readonly status: 'missing' } | { readonly status: string; readonly exitCode: number };

/** The daemon answered, but not about the container (permission, a wedged daemon): nothing to decide on. */
export class ContainerInspectFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContainerInspectFailed';
  }
}

/** The one reading of a container's state, for the executor (launch or follow) and the worker's recovery. */
export async function inspectContainer(
  connection: SshConnection,
  name: string,
  options: { readonly sudo?: boolean; readonly timeoutMs: number },
): Promise<InspectedContainer> {
  const result = await connection.exec(dockerInspect(name, '{{.State.Status}} {{.State.ExitCode}}', { sudo: options.sudo }), { timeoutMs: options.timeoutMs });
  if (result.exitCode !== 0) {
    if (/No such container/i.test(result.stderr)) return { status: 'missing' };
    const last = result.stderr.trim().split('\n').at(-1) ?? '';
    throw new ContainerInspectFailed(`docker inspect ${name} failed (exit ${result.exitCode}): ${last}`);
  }
  const [status = '', exitCode = '0'] = result.stdout.trim().split(' ');
  return { status, exitCode: Number(exitCode) };
}
