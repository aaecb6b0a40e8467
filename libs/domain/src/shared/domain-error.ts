/**
 * The closed set of rule violations a command can meet. Each code maps, in exactly one place per
 * surface, to a GraphQL result-union member and a CLI exit code; resolvers never translate errors.
 */
export type DomainErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'REVISION_CONFLICT'
  | 'QUEUE_ALREADY_PAUSED'
  | 'QUEUE_NOT_PAUSED'
  | 'PROMPT_ALREADY_EXISTS'
  | 'PROMPT_HAS_ACTIVE_RUNS'
  | 'PROMPT_HAS_RUNS'
  | 'RUN_ALREADY_EXISTS'
  | 'RUN_INVALID_TRANSITION'
  | 'RUN_NOT_ACTIVE'
  | 'RUN_NOT_COMPLETED'
  | 'RUN_ACTIVE'
  | 'RUN_NOT_MOVABLE'
  | 'JOB_ALREADY_EXISTS'
  | 'JOB_NOT_QUEUED'
  | 'JOB_NOT_CLAIMED'
  | 'JOB_NOT_ACTIVE'
  | 'JOB_INVALID_TRANSITION'
  | 'JOB_NOT_RETRYABLE'
  | 'JOB_ALREADY_RETRIED'
  | 'KILL_NOT_CONFIRMED'
  | 'UNKNOWN_EVENT_TYPE'
  | 'UNKNOWN_STREAM_CATEGORY'
  | 'REVERSED_RANGE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN';

export class DomainError<Details extends object = Record<string, unknown>> extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Details = {} as Details,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export interface FieldProblem {
  readonly field: string;
  readonly problem: string;
}

export class InvalidInput extends DomainError<{ fields: FieldProblem[] }> {
  constructor(fields: FieldProblem[]) {
    super('INVALID_INPUT', fields.map((f) => `${f.field}: ${f.problem}`).join('; '), { fields });
  }
}

/** A user command carried a revision that is no longer the stream's: someone changed it meanwhile. */
export class RevisionConflict extends DomainError<{ streamId: string; expectedRevision: number; actualRevision: number }> {
  constructor(streamId: string, expectedRevision: number, actualRevision: number) {
    super(
      'REVISION_CONFLICT',
      `${streamId} is at revision ${actualRevision}, not ${expectedRevision}: reload and try again`,
      { streamId, expectedRevision, actualRevision },
    );
  }
}
