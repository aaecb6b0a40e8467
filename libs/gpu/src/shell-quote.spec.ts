import { execFileSync } from 'node:child_process';
import { shellCommand, shellQuote } from './shell-quote.js';

/** What /bin/sh hands to a program for this command line: each argument, NUL-terminated. */
function argvSeenBySh(commandLine: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `for a in ${commandLine}; do printf '%s\\0' "$a"; done`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const hostile = [
  "it's",
  "''",
  "'",
  '"double" and \\backslash\\',
  '$(rm -rf /)',
  '`rm -rf /`',
  '${HOME}',
  '$HOME',
  'a\nb\n',
  '\r\n\t',
  '*',
  '/*',
  '?[a-z]{1,2}',
  '~',
  '~root',
  'FOO=bar',
  'if',
  '!',
  '#not a comment',
  '; rm -rf / &',
  '| cat > /etc/passwd',
  '-n',
  '--',
  'naïve — 日本語 🎬',
  ' leading and trailing ',
  '',
];

describe('shellQuote', () => {
  it('wraps in single quotes and escapes a quote as quote-backslash-quote-quote', () => {
    expect(shellQuote('abc')).toBe("'abc'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
  });

  it.each(hostile.map((arg) => [JSON.stringify(arg), arg]))('delivers %s to the program unchanged', (_label, arg) => {
    expect(argvSeenBySh(shellQuote(arg))).toEqual([arg]);
  });

  it('refuses NUL, which no argv can carry', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });

  it('refuses lone surrogates, which cannot be sent as the given text', () => {
    expect(() => shellQuote('\ud83c')).toThrow(/well-formed/);
  });

  it('refuses a value that is not a string', () => {
    expect(() => shellQuote(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('shellCommand', () => {
  it('joins quoted words with spaces', () => {
    expect(shellCommand(['printf', '%s', "a'b"])).toBe("'printf' '%s' 'a'\\''b'");
  });

  it('keeps every hostile word a separate, literal argument', () => {
    expect(argvSeenBySh(shellCommand(hostile))).toEqual(hostile);
  });

  it('refuses an empty argv', () => {
    expect(() => shellCommand([])).toThrow(/empty/);
  });
});
