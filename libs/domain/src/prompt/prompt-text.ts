/** Applies to prompt and negative-prompt text, counted in code points of the text as received. */
export const PROMPT_TEXT_MAX_LENGTH = 10_000;

/** C0 controls except tab and newline, DEL, and the C1 block: invisible, and NUL breaks tools. */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** Line endings become '\n' first, so a Windows '\r\n' keeps its line break. */
export function sanitizePromptText(raw: string): string {
  return raw.replace(/\r\n?/g, '\n').replace(CONTROL_CHARACTERS, '').trim();
}

export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

/** The problem with a prompt-like text as received, or null; the length counts the raw text. */
export function promptTextProblem(raw: string, required: boolean): string | null {
  const length = codePointLength(raw);
  if (length > PROMPT_TEXT_MAX_LENGTH) {
    return `must be at most ${PROMPT_TEXT_MAX_LENGTH.toLocaleString('en-US')} characters (got ${length.toLocaleString('en-US')})`;
  }
  if (required && sanitizePromptText(raw) === '') return 'is required and must contain visible text';
  return null;
}
