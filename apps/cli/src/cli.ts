import { CommanderError } from 'commander';
import { CliError, EXIT } from './client/cli-error.js';
import { buildProgram, exitCodeOfCommander } from './program.js';

/** The typed refusals of a filter or an input that a local library (the history's transfer) gives. */
const USAGE_CODES = ['INVALID_INPUT', 'UNKNOWN_EVENT_TYPE', 'UNKNOWN_STREAM_CATEGORY'];

/** Runs `cosmos` with these arguments and answers the exit code; nothing here calls process.exit. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return exitCodeOfCommander(error);
    if (error instanceof CliError) {
      // The fields say it all, one per line; the message would repeat them. An interrupt says nothing.
      if (error.message !== '' || error.fields.length > 0) process.stderr.write(error.fields.length > 0 ? 'error: the input was refused\n' : `error: ${error.message}\n`);
      for (const { field, problem } of error.fields) process.stderr.write(`  ${field}: ${problem}\n`);
      return error.exitCode;
    }
    // Refusals of the libraries a command runs locally (a filter naming an unknown type, say) say
    // what is wrong; the stack only helps a developer, who asks for it.
    const message = process.env.COSMOS_DEBUG ? ((error as Error).stack ?? String(error)) : ((error as Error).message ?? String(error));
    process.stderr.write(`error: ${message}\n`);
    return USAGE_CODES.includes(String((error as { code?: unknown }).code)) ? EXIT.usage : EXIT.failed;
  }
}
