import { setTimeout as delay } from 'node:timers/promises';
import { abortExitCode, complain, write, type Program } from './program.js';

type FormatPiece = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'argument' };

const FORMAT_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', n: '\n', t: '\t', r: '\r' };

export const TEXT_PROGRAMS = {
  true: async () => 0,
  false: async () => 1,

  echo: async (ctx) => {
    const noNewline = ctx.argv[1] === '-n';
    const words = ctx.argv.slice(noNewline ? 2 : 1);
    await write(ctx.stdout, words.join(' ') + (noNewline ? '' : '\n'));
    return 0;
  },

  /** `%s`, `%%` and the escapes `\\ \n \t \r`: enough to echo arguments back byte for byte. */
  printf: async (ctx) => {
    const [, format, ...args] = ctx.argv;
    if (format === undefined) return complain(ctx, 'missing operand');
    const pieces = parseFormat(format);
    if (pieces === null) return complain(ctx, `unsupported format '${format}' (only %s, %% and \\\\ \\n \\t \\r)`);
    const consumes = pieces.some((piece) => piece.kind === 'argument');
    let output = '';
    let next = 0;
    // POSIX printf reuses the format while arguments remain.
    do {
      for (const piece of pieces) output += piece.kind === 'text' ? piece.text : (args[next++] ?? '');
    } while (consumes && next < args.length);
    await write(ctx.stdout, output);
    return 0;
  },

  sleep: async (ctx) => {
    const [, duration, ...rest] = ctx.argv;
    const seconds = /^\d+(\.\d+)?s?$/.test(duration ?? '') ? Number.parseFloat(duration) : Number.NaN;
    if (Number.isNaN(seconds) || rest.length > 0) return complain(ctx, `invalid time interval '${duration ?? ''}'`);
    try {
      await delay(seconds * 1000, undefined, { signal: ctx.signal });
      return 0;
    } catch (error) {
      if (ctx.signal.aborted) return abortExitCode(ctx.signal);
      throw error;
    }
  },
} satisfies Record<string, Program>;

function parseFormat(format: string): FormatPiece[] | null {
  const pieces: FormatPiece[] = [];
  let text = '';
  for (let i = 0; i < format.length; i += 1) {
    const c = format[i];
    if (c === '%' && format[i + 1] === '%') {
      text += '%';
      i += 1;
    } else if (c === '%' && format[i + 1] === 's') {
      if (text !== '') pieces.push({ kind: 'text', text });
      pieces.push({ kind: 'argument' });
      text = '';
      i += 1;
    } else if (c === '\\' && format[i + 1] in FORMAT_ESCAPES) {
      text += FORMAT_ESCAPES[format[i + 1]];
      i += 1;
    } else if (c === '%' || c === '\\') {
      return null;
    } else {
      text += c;
    }
  }
  if (text !== '') pieces.push({ kind: 'text', text });
  return pieces;
}
