import type { CommandSpec } from './command-spec.js';

/** Short verbs people type from kubectl, gh and docker habit, and the verbs they stand for. */
const verbAliases: Readonly<Record<string, readonly string[]>> = {
  ls: ['list'],
  rm: ['remove', 'delete', 'revoke'],
  delete: ['remove', 'revoke'],
};

/** Top-level shortcuts: `kubently clusters` alone still shows the group's help. */
const groupAliases: Readonly<Record<string, string>> = { cluster: 'clusters', key: 'keys' };

/**
 * `kubently clusters ls` → `clusters list`, `keys rm` → `keys revoke`, `config rm` → `config
 * delete`: the first verb of the group an alias stands for wins. Other words are returned as given.
 */
export function resolveAliases(table: readonly CommandSpec[], words: readonly string[]): string[] {
  const [first, second, ...rest] = words;
  if (first === undefined) return [];
  const group = groupAliases[first] ?? first;
  if (second === undefined) return [group, ...rest];
  const verbs = table
    .filter((spec) => spec.path.length > 1 && spec.path[0] === group)
    .map((spec) => spec.path[1]);
  const target = verbs.includes(second) ? second : verbAliases[second]?.find((verb) => verbs.includes(verb));
  return [group, target ?? second, ...rest];
}

/** The aliases `completion` offers for a group's verbs. */
export function aliasesFor(verbs: readonly string[]): string[] {
  return Object.entries(verbAliases)
    .filter(([alias, targets]) => !verbs.includes(alias) && targets.some((verb) => verbs.includes(verb)))
    .map(([alias]) => alias);
}
