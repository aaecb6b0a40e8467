export const PROMPT_NAME_MAX_LENGTH = 100;

/**
 * Names travel into file names (prepared input folders, exported outputs) and shell-free CLI
 * arguments, so they keep to a portable alphabet. smartName's output always passes.
 */
const PROMPT_NAME = /^[A-Za-z0-9_.-]+$/;

export function isValidPromptName(name: string): boolean {
  return name.length >= 1 && name.length <= PROMPT_NAME_MAX_LENGTH && PROMPT_NAME.test(name);
}
