import { createInterface } from 'node:readline/promises';
import { CliError, EXIT } from '../client/cli-error.js';
import type { CommandContext } from '../context.js';

/**
 * A destructive step goes ahead with --force, or when a person at a terminal types the word.
 * Without a terminal and without --force it refuses: a script must say so explicitly.
 */
export async function confirmed(ctx: CommandContext, word: string, force: boolean | undefined): Promise<void> {
  if (force) return;
  if (!process.stdin.isTTY || !ctx.out.interactive) throw new CliError(EXIT.usage, `refused: this needs --force when no one is at a terminal to type "${word}"`);
  const rl = createInterface({ input: process.stdin, output: ctx.out.errorStream });
  try {
    const answer = await rl.question(`Type "${word}" to go ahead: `);
    if (answer.trim() !== word) throw new CliError(EXIT.failed, 'not confirmed: nothing was changed');
  } finally {
    rl.close();
  }
}
