import { aliasesFor } from '../command-aliases.js';
import type { CommandSpec } from '../command-spec.js';

export const completionShells = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof completionShells)[number];

/** Words completed besides the table: built-ins handled by `run`. */
const builtins = ['help'];

interface Vocabulary {
  readonly top: readonly string[];
  /** Group name → its verbs and their aliases. */
  readonly groups: ReadonlyMap<string, readonly string[]>;
  /** `clusters list` or `diagnose` → the long flags its help names. */
  readonly flags: ReadonlyMap<string, readonly string[]>;
}

const flagsOf = (help: string): string[] =>
  [...new Set([...help.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((match) => match[0]))]
    .filter((flag) => flag !== '--help')
    .concat('--help')
    .sort();

export function vocabularyOf(table: readonly CommandSpec[]): Vocabulary {
  const groups = new Map<string, string[]>();
  for (const spec of table) {
    const [group, verb] = spec.path;
    if (group === undefined || verb === undefined) continue;
    groups.set(group, [...(groups.get(group) ?? []), verb]);
  }
  for (const [group, verbs] of groups) groups.set(group, [...verbs, ...aliasesFor(verbs)]);
  const top = [...new Set([...table.map((spec) => spec.path[0] ?? ''), ...builtins])].filter(Boolean);
  const flags = new Map(table.map((spec) => [spec.path.join(' '), flagsOf(spec.help)]));
  return { top, groups, flags };
}

/** A word list as one shell word: only command names and flags, which never need quoting. */
const list = (words: readonly string[]): string => words.join(' ');

function bash(vocabulary: Vocabulary): string {
  const groupCases = [...vocabulary.groups]
    .map(([group, verbs]) => `    ${group}) words="${list(verbs)}" ;;`)
    .join('\n');
  const flagCases = [...vocabulary.flags]
    .map(([key, flags]) => `    "${key}") words="${list(flags)}" ;;`)
    .join('\n');
  return `# kubently completion for bash. Load it with: source <(kubently completion bash)
_kubently() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" first="\${COMP_WORDS[1]}" words="" key
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${list(vocabulary.top)}" -- "$cur"))
    return
  fi
  if [ "$COMP_CWORD" -eq 2 ] && [[ "$cur" != -* ]]; then
    case "$first" in
${groupCases}
    esac
    if [ -n "$words" ]; then
      COMPREPLY=($(compgen -W "$words" -- "$cur"))
      return
    fi
  fi
  if [[ "$cur" == -* ]]; then
    key="$first"
    case "$first" in
${[...vocabulary.groups.keys()].map((group) => `    ${group}) key="$first \${COMP_WORDS[2]}" ;;`).join('\n')}
    esac
    case "$key" in
${flagCases}
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o default -F _kubently kubently
`;
}

function zsh(vocabulary: Vocabulary): string {
  return `#compdef kubently
# kubently completion for zsh. Load it with: source <(kubently completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(vocabulary).replace(/^# kubently completion for bash.*\n/, '')}`;
}

function fish(vocabulary: Vocabulary): string {
  const lines = [
    '# kubently completion for fish. Load it with: kubently completion fish | source',
    'complete -c kubently -f',
    `complete -c kubently -n __fish_use_subcommand -a '${list(vocabulary.top)}'`,
  ];
  for (const [group, verbs] of vocabulary.groups) {
    lines.push(
      `complete -c kubently -n '__fish_seen_subcommand_from ${group}; and not __fish_seen_subcommand_from ${list(verbs)}' -a '${list(verbs)}'`,
    );
  }
  for (const [key, flags] of vocabulary.flags) {
    const words = key.split(' ');
    const condition = words.map((word) => `__fish_seen_subcommand_from ${word}`).join('; and ');
    for (const flag of flags) lines.push(`complete -c kubently -n '${condition}' -l ${flag.slice(2)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: CompletionShell, table: readonly CommandSpec[]): string {
  const vocabulary = vocabularyOf(table);
  switch (shell) {
    case 'bash':
      return bash(vocabulary);
    case 'zsh':
      return zsh(vocabulary);
    case 'fish':
      return fish(vocabulary);
  }
}
