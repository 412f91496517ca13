import type { CommandSpec } from './command-spec.js';
import type { FlagSpec } from './flag-spec.js';
import { globalFlags } from './global-flags.js';

export interface FlagSet {
  readonly byLong: ReadonlyMap<string, FlagSpec>;
  readonly byShort: ReadonlyMap<string, FlagSpec>;
}

function build(specs: readonly FlagSpec[]): FlagSet {
  const byLong = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  for (const spec of specs) {
    byLong.set(spec.long, spec);
    if (spec.short !== null) byShort.set(spec.short, spec);
  }
  return { byLong, byShort };
}

/** Flags accepted before the command is complete (kubectl's persistent flags only). */
export const globalFlagSet: FlagSet = build(globalFlags);

const cache = new WeakMap<CommandSpec, FlagSet>();

/** The command's own flags plus the safe global flags. */
export function flagSetOf(command: CommandSpec): FlagSet {
  const cached = cache.get(command);
  if (cached !== undefined) return cached;
  const set = build([...globalFlags, ...command.flags]);
  cache.set(command, set);
  return set;
}
