import { CommanderError } from 'commander';
import { CliError, EXIT } from './client/cli-error.js';
import { buildProgram, exitCodeOfCommander } from './program.js';

/** Runs `cosmos` with these arguments and answers the exit code; nothing here calls process.exit. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return exitCodeOfCommander(error);
    if (error instanceof CliError) {
      // The fields say it all, one per line; the message would repeat them.
      process.stderr.write(error.fields.length > 0 ? 'error: the input was refused\n' : `error: ${error.message}\n`);
      for (const { field, problem } of error.fields) process.stderr.write(`  ${field}: ${problem}\n`);
      return error.exitCode;
    }
    process.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT.failed;
  }
}
