import { assertNever } from '../../../../libs/domain/src/shared/assert-never.js';
import type { DomainError } from '../../../../libs/domain/src/shared/domain-error.js';
import { InvalidInput, NotFound, QueueAlreadyPaused, QueueNotPaused, RevisionConflict, type UserError } from './user-errors.model.js';

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
    default:
      return assertNever(error.code);
  }
}
