import type { CommandSpec } from './command-spec.js';
import { neverCommands } from './never-commands.js';
import { readCommands } from './read-commands.js';
import { subcommandAliases, writeCommands } from './write-commands.js';

function keyOf(command: CommandSpec): string {
  return command.subcommand === null ? command.verb : `${command.verb} ${command.subcommand}`;
}

const commands = new Map<string, CommandSpec>();
for (const command of [...readCommands, ...writeCommands]) commands.set(keyOf(command), command);

/** Every command path that has further subcommands below it (`rollout`, `create`, `create secret`). */
const parents = new Set<string>();
for (const key of [...commands.keys(), ...neverCommands.keys()]) {
  const words = key.split(' ');
  for (let length = 1; length < words.length; length += 1) parents.add(words.slice(0, length).join(' '));
}

export type CommandLookup =
  | { readonly type: 'command'; readonly command: CommandSpec }
  | { readonly type: 'never'; readonly path: string; readonly reason: string }
  | { readonly type: 'needsSubcommand'; readonly path: string; readonly choices: readonly string[] }
  | { readonly type: 'unknown'; readonly path: string };

/** Subcommands known under `path` (for error messages). */
export function subcommandsOf(path: string): string[] {
  const prefix = `${path} `;
  const names = new Set<string>();
  for (const key of [...commands.keys(), ...neverCommands.keys()]) {
    if (key.startsWith(prefix)) names.add(key.slice(prefix.length).split(' ')[0] ?? '');
  }
  return [...names].sort();
}

export function isKnownVerb(verb: string): boolean {
  return commands.has(verb) || parents.has(verb) || neverCommands.has(verb);
}

/** True when `path` has subcommands, so the next positional may name one. */
export function hasSubcommands(path: string): boolean {
  return parents.has(path);
}

/** Resolves `rollout pods`→ alias-free subcommand word (`top pods` → `pod`). */
export function canonicalSubcommand(path: string, word: string): string {
  return subcommandAliases.get(`${path} ${word}`) ?? word;
}

export function isCommandPath(path: string): boolean {
  return commands.has(path) || parents.has(path) || neverCommands.has(path);
}

/** Looks up a complete command path (`get`, `rollout history`, `create secret generic`). */
export function lookupCommand(path: string): CommandLookup {
  const never = neverCommands.get(path);
  if (never !== undefined) return { type: 'never', path, reason: never };
  const command = commands.get(path);
  if (command !== undefined) return { type: 'command', command };
  if (parents.has(path)) return { type: 'needsSubcommand', path, choices: subcommandsOf(path) };
  return { type: 'unknown', path };
}

/** All commands with their path, for documentation and tests. */
export function allCommands(): ReadonlyMap<string, CommandSpec> {
  return commands;
}
