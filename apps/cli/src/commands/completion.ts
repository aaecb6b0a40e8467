import type { Command } from 'commander';
import { CliError, EXIT } from '../client/cli-error.js';

interface Entry {
  /** `queue pause`, `list runs`, … */
  readonly path: string;
  readonly words: readonly string[];
}

/** Every command path with what may follow it: subcommands and options, from the command tree itself. */
function entries(command: Command, prefix = ''): Entry[] {
  const subcommands = command.commands.filter((sub) => sub.name() !== 'help');
  const options = command.options.map((option) => option.long).filter((long): long is string => long !== undefined);
  const own: Entry = { path: prefix, words: [...subcommands.map((sub) => sub.name()), ...options, '--help'] };
  return [own, ...subcommands.flatMap((sub) => entries(sub, prefix === '' ? sub.name() : `${prefix} ${sub.name()}`))];
}

/** A completion script for the shell, generated from the same tree `--help` shows, so it never falls behind. */
export function completionScript(program: Command, shell: string): string {
  const all = entries(program);
  switch (shell) {
    case 'bash':
      return bash(all);
    case 'zsh':
      return `autoload -U +X bashcompinit && bashcompinit\n${bash(all)}`;
    case 'fish':
      return fish(all);
    default:
      throw new CliError(EXIT.usage, `completion for bash, zsh or fish (got ${JSON.stringify(shell)})`);
  }
}

function bash(all: readonly Entry[]): string {
  const cases = all.map((entry) => `    "${entry.path}") words="${entry.words.join(' ')}" ;;`).join('\n');
  return `# cosmos completion for bash: eval "$(cosmos completion bash)"
_cosmos() {
  local cur path word words
  cur="\${COMP_WORDS[COMP_CWORD]}"
  path=""
  for word in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$word" in -*) ;; *) case " $(_cosmos_words "\${path}") " in *" $word "*) path="\${path:+$path }$word" ;; esac ;; esac
  done
  # Folders where a command takes one: prepare's input folder, and create prompt's video folder
  # under the inputs root (COSMOS_INPUTS_ROOT, as the service reads it, or inputs/videos).
  if [[ "$cur" != -* ]]; then
    case "$path" in
      prepare) COMPREPLY=( $(compgen -d -- "$cur") ); return ;;
      "create prompt") COMPREPLY=( $(cd "\${COSMOS_INPUTS_ROOT:-inputs/videos}" 2>/dev/null && compgen -d -- "$cur") ); [ \${#COMPREPLY[@]} -gt 0 ] && return ;;
    esac
  fi
  words="$(_cosmos_words "$path")"
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}
_cosmos_words() {
  local words=""
  case "$1" in
${cases}
  esac
  echo "$words"
}
complete -F _cosmos cosmos
`;
}

function fish(all: readonly Entry[]): string {
  const lines = [
    '# cosmos completion for fish: cosmos completion fish | source',
    'complete -c cosmos -f',
    "complete -c cosmos -n '__fish_seen_subcommand_from prepare' -a '(__fish_complete_directories)'",
  ];
  for (const entry of all) {
    const condition = entry.path === '' ? '__fish_use_subcommand' : `__fish_seen_subcommand_from ${entry.path.split(' ').at(-1)}`;
    for (const word of entry.words) {
      lines.push(word.startsWith('--') ? `complete -c cosmos -n '${condition}' -l ${word.slice(2)}` : `complete -c cosmos -n '${condition}' -a ${word}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
