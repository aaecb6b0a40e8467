/**
 * The one way a remote command line is built: every word is single-quoted, so the
 * remote POSIX shell (sshd always runs `$SHELL -c <command>`) sees literal bytes and expands
 * nothing — no `$(…)`, backticks, globs, `~`, `VAR=` assignments or reserved words. Quoting even
 * "safe" words is deliberate: `if` or `FOO=bar` in command position would change meaning.
 * The remote login shell must be POSIX (sh, bash, dash, zsh); csh and fish quote differently.
 */
export function shellQuote(arg: string): string {
  if (typeof arg !== 'string') throw new TypeError(`shellQuote: expected a string, got ${typeof arg}`);
  // A C argv cannot carry NUL: the remote side would silently cut the word short.
  if (arg.includes('\0')) throw new TypeError('shellQuote: an argument cannot contain a NUL character');
  // Lone surrogates would be sent as U+FFFD, i.e. not the bytes the caller asked for.
  if (Buffer.from(arg, 'utf8').toString('utf8') !== arg) throw new TypeError('shellQuote: an argument is not well-formed Unicode');
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** A command line of quoted words, run exactly as `argv` by any POSIX shell. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new TypeError('shellCommand: argv is empty');
  return argv.map(shellQuote).join(' ');
}
