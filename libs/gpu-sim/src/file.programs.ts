import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { lstat, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { PathEscapeError } from './host-root.js';
import { abortExitCode, complain, reasonOf, splitFlags, write, type Program, type ProgramContext } from './program.js';

/** Coreutils stand-ins for what our client runs on a GPU host; paths follow host-root.ts. */
export const FILE_PROGRAMS = {
  mkdir: async (ctx) => {
    const parsed = splitFlags(ctx.argv.slice(1), 'p');
    if ('unknown' in parsed) return complain(ctx, `invalid option -- '${parsed.unknown}'`);
    if (parsed.operands.length === 0) return complain(ctx, 'missing operand');
    let code = 0;
    for (const operand of parsed.operands) {
      try {
        await mkdir(await ctx.resolvePath(operand), { recursive: parsed.flags.has('p') });
      } catch (error) {
        code = await complain(ctx, `cannot create directory '${operand}': ${reasonOf(error)}`);
      }
    }
    return code;
  },

  rm: async (ctx) => {
    const parsed = splitFlags(ctx.argv.slice(1), 'rRf');
    if ('unknown' in parsed) return complain(ctx, `invalid option -- '${parsed.unknown}'`);
    const recursive = parsed.flags.has('r') || parsed.flags.has('R');
    const force = parsed.flags.has('f');
    if (parsed.operands.length === 0 && !force) return complain(ctx, 'missing operand');
    let code = 0;
    for (const operand of parsed.operands) {
      try {
        const target = await ctx.resolvePath(operand);
        const stats = await lstat(target).catch(() => null);
        // The root is the whole simulated host: `rm -rf /` must never empty the test's folder.
        if (target === ctx.cwd) code = await complain(ctx, `cannot remove '${operand}': refusing to remove the host root`);
        else if (stats?.isDirectory() && !recursive) code = await complain(ctx, `cannot remove '${operand}': Is a directory`);
        else if (stats !== null || !force) await rm(target, { recursive, force });
      } catch (error) {
        code = await complain(ctx, `cannot remove '${operand}': ${reasonOf(error)}`);
      }
    }
    return code;
  },

  test: async (ctx) => {
    const [, operator, operand, ...rest] = ctx.argv;
    if (operand === undefined || rest.length > 0 || !['-e', '-f', '-d'].includes(operator)) {
      return complain(ctx, `only 'test -e|-f|-d PATH' is supported`, 2);
    }
    try {
      const stats = await stat(await ctx.resolvePath(operand)).catch(() => null);
      if (stats === null) return 1;
      return operator === '-e' || (operator === '-f' ? stats.isFile() : stats.isDirectory()) ? 0 : 1;
    } catch (error) {
      // "false" would hide a client bug; a real test answers 2 for errors too.
      if (error instanceof PathEscapeError) return complain(ctx, `${operand}: ${reasonOf(error)}`, 2);
      throw error;
    }
  },

  cat: async (ctx) => {
    const operands = ctx.argv.length > 1 ? ctx.argv.slice(1) : ['-'];
    let code = 0;
    for (const operand of operands) {
      if (operand === '-') {
        await copyStdin(ctx);
        continue;
      }
      try {
        for await (const chunk of createReadStream(await ctx.resolvePath(operand), { signal: ctx.signal })) {
          await write(ctx.stdout, chunk as Buffer);
        }
      } catch (error) {
        if (ctx.signal.aborted) break;
        code = await complain(ctx, `${operand}: ${reasonOf(error)}`);
      }
    }
    return ctx.signal.aborted ? abortExitCode(ctx.signal) : code;
  },

  sha256sum: async (ctx) => {
    const operands = ctx.argv.slice(1);
    if (operands.length === 0) return complain(ctx, 'missing operand (reading stdin is not supported)');
    let code = 0;
    for (const operand of operands) {
      try {
        const hash = createHash('sha256');
        for await (const chunk of createReadStream(await ctx.resolvePath(operand), { signal: ctx.signal })) {
          hash.update(chunk as Buffer);
        }
        await write(ctx.stdout, `${hash.digest('hex')}  ${operand}\n`);
      } catch (error) {
        if (ctx.signal.aborted) break;
        code = await complain(ctx, `${operand}: ${reasonOf(error)}`);
      }
    }
    return ctx.signal.aborted ? abortExitCode(ctx.signal) : code;
  },

  ls: async (ctx) => {
    const parsed = splitFlags(ctx.argv.slice(1), '1a');
    if ('unknown' in parsed) return complain(ctx, `invalid option -- '${parsed.unknown}'`, 2);
    const operands = parsed.operands.length > 0 ? parsed.operands : ['.'];
    let code = 0;
    const listings: string[] = [];
    for (const operand of operands) {
      try {
        const target = await ctx.resolvePath(operand);
        if (!(await stat(target)).isDirectory()) {
          listings.push(`${operand}\n`);
          continue;
        }
        // Byte order, as `LC_ALL=C ls` prints; one name per line, as ls does when not on a terminal.
        const names = (await readdir(target))
          .filter((name) => parsed.flags.has('a') || !name.startsWith('.'))
          .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const header = operands.length > 1 ? `${operand}:\n` : '';
        listings.push(header + names.map((name) => `${name}\n`).join(''));
      } catch (error) {
        code = await complain(ctx, `cannot access '${operand}': ${reasonOf(error)}`, 2);
      }
    }
    await write(ctx.stdout, listings.join('\n'));
    return code;
  },
} satisfies Record<string, Program>;

/**
 * stdin is the channel itself: breaking out of a plain `for await` would destroy it (and with it the
 * exit status), and it stays open after an abort by signal, so the wait for the next chunk races the abort.
 */
async function copyStdin(ctx: ProgramContext): Promise<void> {
  if (ctx.signal.aborted) return;
  const chunks = ctx.stdin.iterator({ destroyOnReturn: false });
  const aborted = once(ctx.signal, 'abort').then((): IteratorResult<unknown> => ({ done: true, value: undefined }));
  for (;;) {
    const next = await Promise.race([chunks.next(), aborted]);
    if (next.done === true) return;
    await write(ctx.stdout, next.value as Buffer);
  }
}
