import { assertNever, type DomainError } from '../../../../libs/domain/src/index.js';
import type { CosmosContainer } from '../../../../libs/gpu/src/index.js';
import { NodeContainer } from '../nodes/gpu-node-status.model.js';
import { Conflict, InvalidInput, NotFound, RevisionConflict, type UserError } from './user-errors.model.js';
import { IdempotencyKeyReused } from '../requests/requests.errors.model.js';
import { KillNotConfirmed } from '../nodes/gpu-node.errors.model.js';
import { PromptHasActiveRuns, PromptHasRuns } from '../prompts/prompt.errors.model.js';
import { QueueAlreadyPaused, QueueNotPaused } from '../queue/queue.errors.model.js';
import { RunActive, RunNotCompleted } from '../runs/run.errors.model.js';

/** The one place a domain error becomes a GraphQL result-union member. */
export function toUserError(error: DomainError): UserError {
  const details = error.details as Record<string, unknown>;
  const base = { code: error.code, message: error.message };
  switch (error.code) {
    case 'INVALID_INPUT':
      return Object.assign(new InvalidInput(), base, { fields: details.fields });
    case 'NOT_FOUND':
      return Object.assign(new NotFound(), base);
    case 'REVISION_CONFLICT':
      return Object.assign(new RevisionConflict(), base, {
        expectedRevision: details.expectedRevision ?? -1,
        actualRevision: details.actualRevision ?? -1,
      });
    case 'QUEUE_ALREADY_PAUSED':
      return Object.assign(new QueueAlreadyPaused(), base, { pausedAt: new Date(String(details.pausedAt)), pausedBy: details.pausedBy });
    case 'QUEUE_NOT_PAUSED':
      return Object.assign(new QueueNotPaused(), base);
    case 'PROMPT_HAS_ACTIVE_RUNS':
      return Object.assign(new PromptHasActiveRuns(), base, { activeRunIds: details.activeRunIds ?? [] });
    case 'PROMPT_HAS_RUNS':
      return Object.assign(new PromptHasRuns(), base, { runIds: details.runIds ?? [], preview: details.preview });
    case 'RUN_NOT_COMPLETED':
      return Object.assign(new RunNotCompleted(), base);
    case 'RUN_ACTIVE':
      return Object.assign(new RunActive(), base);
    case 'IDEMPOTENCY_KEY_REUSED':
      return Object.assign(new IdempotencyKeyReused(), base, { key: details.key, jobId: details.jobId, differences: details.differences });
    case 'KILL_NOT_CONFIRMED': {
      const checkedAt = new Date(String(details.checkedAt));
      const containers = (details.containers as CosmosContainer[]).map((container) => NodeContainer.from(container, checkedAt));
      return Object.assign(new KillNotConfirmed(), base, { node: details.node, containers, jobIds: details.jobIds });
    }
    // The analysts' filters: an input problem, with the known values in the message and details.
    case 'UNKNOWN_EVENT_TYPE':
    case 'UNKNOWN_STREAM_CATEGORY':
    case 'REVERSED_RANGE':
      return Object.assign(new InvalidInput(), base, { fields: [{ field: String(details.field), problem: error.message }] });
    // Server-side ids and the workers' own commands make these rare for users; one type says enough.
    case 'PROMPT_ALREADY_EXISTS':
    case 'RUN_ALREADY_EXISTS':
    case 'RUN_INVALID_TRANSITION':
    case 'RUN_NOT_ACTIVE':
    case 'RUN_NOT_MOVABLE':
    case 'JOB_ALREADY_EXISTS':
    case 'JOB_NOT_QUEUED':
    case 'JOB_NOT_CLAIMED':
    case 'JOB_NOT_ACTIVE':
    case 'JOB_INVALID_TRANSITION':
    case 'JOB_NOT_RETRYABLE':
    case 'JOB_ALREADY_RETRIED':
      return Object.assign(new Conflict(), base);
    // Access is refused before a resolver runs (RoleGuard): a top-level error, never a union member.
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
      throw error;
    default:
      return assertNever(error.code);
  }
}
