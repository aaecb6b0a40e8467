/**
 * The command lines the simulated host accepts: what our client's one quoting function produces
 * (plain words, single-quoted words with `'\''` for a quote, `''` for an empty argument), joined
 * into a single command or `cmd1 && cmd2 && …`. Everything else a shell would interpret — `$`,
 * globs, `;`, pipes, redirections, double quotes, `~`, `#`, `VAR=value cmd` — is refused rather
 * than half-emulated, so a client that starts relying on a shell feature fails here first.
 */
export type CommandLine =
  | { readonly kind: 'commands'; readonly commands: readonly (readonly string[])[] }
  | { readonly kind: 'unsupported'; readonly reason: string };

const PLAIN = /^[A-Za-z0-9_@%+=:,./-]$/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

export function parseCommandLine(text: string): CommandLine {
  const commands: string[][] = [];
  let argv: string[] = [];
  let word: string | null = null;
  let unquotedLead = '';
  let quoted = false;

  const endWord = (): string | null => {
    if (word === null) return null;
    // Unquoted `NAME=value` before the command is an environment assignment in sh, not argv[0].
    if (argv.length === 0 && ASSIGNMENT.test(unquotedLead)) return 'environment assignment';
    argv.push(word);
    word = null;
    unquotedLead = '';
    quoted = false;
    return null;
  };
  const unsupported = (what: string, offset: number): CommandLine => ({
    kind: 'unsupported',
    reason: `${what} at offset ${offset}`,
  });

  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      const refused = endWord();
      if (refused !== null) return unsupported(refused, i);
      i += 1;
    } else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return unsupported('unterminated quote', i);
      word = (word ?? '') + text.slice(i + 1, close);
      quoted = true;
      i = close + 1;
    } else if (c === '\\') {
      const escaped = text.codePointAt(i + 1);
      // A backslash-newline is a line continuation in sh; nothing we send contains one.
      if (escaped === undefined || escaped === 0x0a) return unsupported('dangling backslash', i);
      const literal = String.fromCodePoint(escaped);
      word = (word ?? '') + literal;
      quoted = true;
      i += 1 + literal.length;
    } else if (c === '&' && text[i + 1] === '&') {
      const refused = endWord();
      if (refused !== null) return unsupported(refused, i);
      if (argv.length === 0) return unsupported('empty command before &&', i);
      commands.push(argv);
      argv = [];
      i += 2;
    } else if (PLAIN.test(c)) {
      word = (word ?? '') + c;
      if (!quoted) unquotedLead += c;
      i += 1;
    } else {
      return unsupported(JSON.stringify(c), i);
    }
  }
  const refused = endWord();
  if (refused !== null) return unsupported(refused, text.length);
  if (argv.length === 0) return unsupported(commands.length > 0 ? 'empty command after &&' : 'empty command', text.length);
  commands.push(argv);
  return { kind: 'commands', commands };
}
