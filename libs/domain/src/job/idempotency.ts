import { assertNever } from '../shared/assert-never.js';
import type { Decider } from '../shared/decider.js';
import { DomainError, InvalidInput } from '../shared/domain-error.js';
import type { DomainEvent } from '../shared/domain-event.js';

/**
 * A key names its own stream, so the store's "stream must not exist" append is the uniqueness
 * check: two concurrent enqueues with one key cannot both reserve it. The key goes into the
 * stream name verbatim (the domain does not hash), hence the narrow alphabet: no '/' or spaces,
 * and short enough for any store's stream-name limit.
 */
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

export function idempotencyKeyProblem(key: unknown): string | null {
  if (typeof key === 'string' && IDEMPOTENCY_KEY.test(key)) return null;
  return `must be 1 to 128 letters, digits, '.', '_', ':' or '-' (got ${JSON.stringify(key)})`;
}

/**
 * A key names one request. Sent again with other parameters, it would silently answer the first
 * job and drop the changed request, so it is refused, naming what differs.
 */
export class IdempotencyKeyReused extends DomainError<{ key: string; jobId: string; differences: string[] }> {
  constructor(key: string, jobId: string, differences: string[]) {
    super(
      'IDEMPOTENCY_KEY_REUSED',
      `idempotency key ${key} already named job ${jobId}, requested with other ${differences.join(', ')}; use a new key for a different request`,
      { key, jobId, differences },
    );
  }
}

/** A job request as far as its key binds it. */
interface KeyedRequest {
  readonly kind: string;
  readonly promptIds: readonly string[];
  readonly config: unknown;
  readonly priority: number;
  readonly numGpus?: number;
  readonly prompts?: Readonly<Record<string, { readonly negativePrompt: string }>> | null;
}

/** What of a job request a key binds: the parameters that differ between `first` and `again`. */
export function requestDifferences(first: KeyedRequest, again: KeyedRequest): string[] {
  const differences: string[] = [];
  if (first.kind !== again.kind) differences.push('kind');
  const samePrompts = JSON.stringify(first.promptIds) === JSON.stringify(again.promptIds);
  if (!samePrompts) differences.push('prompts');
  if (canonical(first.config) !== canonical(again.config)) differences.push('config');
  // A request may name its own negative prompt (kept per prompt in the JobQueued); v1/v2 events kept none to compare.
  const negatives = (request: KeyedRequest) => request.promptIds.map((id) => request.prompts?.[id]?.negativePrompt);
  if (samePrompts && first.prompts && again.prompts && JSON.stringify(negatives(first)) !== JSON.stringify(negatives(again))) differences.push('negativePrompt');
  if (first.priority !== again.priority) differences.push('priority');
  // A JobQueued from before GPU slots holds none; a command naming none asks for one.
  if ((first.numGpus ?? 1) !== (again.numGpus ?? 1)) differences.push('numGpus');
  return differences;
}

/** JSON with object keys sorted: the same config however its keys were ordered. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

export function idempotencyStream(key: string): string {
  const problem = idempotencyKeyProblem(key);
  if (problem !== null) throw new InvalidInput([{ field: 'input.idempotencyKey', problem }]);
  return `idempotency-${key}`;
}

export interface ReserveIdempotencyKey {
  readonly type: 'ReserveIdempotencyKey';
  readonly key: string;
  readonly jobId: string;
  readonly now: string;
}

export type IdempotencyKeyReserved = DomainEvent<'IdempotencyKeyReserved', { jobId: string; at: string }>;

export type IdempotencyEvent = IdempotencyKeyReserved;
export type IdempotencyCommand = ReserveIdempotencyKey;

export const IDEMPOTENCY_EVENT_TYPES: readonly IdempotencyEvent['type'][] = ['IdempotencyKeyReserved'];

export type IdempotencyState =
  | { readonly status: 'Free' }
  | { readonly status: 'Reserved'; readonly jobId: string; readonly reservedAt: string };

/**
 * Reserving a reserved key is a no-op whatever the job id: the caller then reads the job that
 * holds the key with `reservedJobId` and answers with it instead of queueing a duplicate.
 */
export const idempotencyDecider: Decider<IdempotencyCommand, IdempotencyEvent, IdempotencyState> = {
  name: 'idempotency',
  initialState: { status: 'Free' },

  decide(command, state) {
    switch (command.type) {
      case 'ReserveIdempotencyKey':
        idempotencyStream(command.key);
        if (state.status === 'Reserved') return [];
        return [{ type: 'IdempotencyKeyReserved', data: { jobId: command.jobId, at: command.now } }];
      default:
        return assertNever(command.type);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'IdempotencyKeyReserved':
        // The first reservation wins for good; a stray second event cannot move the key.
        return state.status === 'Reserved' ? state : { status: 'Reserved', jobId: event.data.jobId, reservedAt: event.data.at };
      default:
        return assertNever(event.type);
    }
  },
};

export function reservedJobId(state: IdempotencyState): string | null {
  switch (state.status) {
    case 'Free':
      return null;
    case 'Reserved':
      return state.jobId;
    default:
      return assertNever(state);
  }
}
