import { DomainError } from '../../../../libs/domain/src/index.js';
import type { CosmosContainer } from '../../../../libs/gpu/src/index.js';

export class GpuNodeNotFound extends DomainError<{ node: string; known: string[] }> {
  constructor(node: string, known: readonly string[]) {
    super('NOT_FOUND', `GPU node ${JSON.stringify(node)} not found (nodes: ${known.join(', ') || 'none'})`, { node, known: [...known] });
  }
}

/** The kill switch ends work nobody can resume; it needs a second, explicit yes after seeing this. */
export class KillNotConfirmed extends DomainError<{ node: string; containers: CosmosContainer[]; jobIds: string[]; checkedAt: string }> {
  constructor(node: string, containers: readonly CosmosContainer[], jobIds: readonly string[], checkedAt: string) {
    const what = containers.length === 0 ? 'no running containers of ours' : `${containers.length} container(s) (${containers.map((c) => c.name).join(', ')})`;
    super('KILL_NOT_CONFIRMED', `Nothing was killed: ${node} has ${what}; repeat with confirm: true to kill them and fail their jobs`, {
      node,
      containers: [...containers],
      jobIds: [...jobIds],
      checkedAt,
    });
  }
}
