/** The exit codes `cosmos` documents (README, `--help`). */
export const EXIT = {
  ok: 0,
  /** A requested operation failed (a run failed, the service refused for another reason). */
  failed: 1,
  /** Bad usage or input, the service's InvalidInput included. */
  usage: 2,
  notFound: 3,
  /** A stale plan, a revision conflict, an idempotency key reused, a state that forbids it. */
  conflict: 4,
  /** The service did not answer, or refused the token. */
  unreachable: 5,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A problem of one input field, as the service's InvalidInput lists it. */
export interface FieldProblem {
  readonly field: string;
  readonly problem: string;
}

/** Anything that ends a command with a message on stderr and a documented exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly fields: readonly FieldProblem[] = [],
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The exit code of a typed refusal (a UserError's __typename and code). */
export function exitCodeOfUserError(typename: string, code: string): ExitCode {
  if (typename === 'InvalidInput' || code === 'INVALID_INPUT') return EXIT.usage;
  if (typename === 'NotFound' || code === 'NOT_FOUND') return EXIT.notFound;
  return EXIT.conflict;
}
