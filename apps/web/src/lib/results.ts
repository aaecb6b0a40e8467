/** What a mutation's union answered when it refused: a UserError, with InvalidInput's fields. */
export interface Refusal {
  readonly code: string;
  readonly message: string;
  readonly fields: readonly { field: string; problem: string }[];
}

type Answer = { __typename?: string; code?: string; message?: string; fields?: readonly { field: string; problem: string }[] };

/** The refusal in an answer, or null when the answer is a success type (it has no `code`). */
export function problemsOf(answer: Answer): Refusal | null {
  if (typeof answer.code !== 'string') return null;
  return { code: answer.code, message: answer.message ?? answer.code, fields: answer.fields ?? [] };
}
