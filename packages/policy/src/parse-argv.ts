import { alwaysRejectedFlags, alwaysRejectedShortFlags, normaliseFlagName } from './always-rejected-flags.js';
import { canonicalSubcommand, hasSubcommands, isCommandPath, lookupCommand } from './command-index.js';
import type { CommandSpec } from './command-spec.js';
import type { FlagSpec } from './flag-spec.js';
import { flagSetOf, globalFlagSet } from './flag-set.js';
import type { FlagSet } from './flag-set.js';

/** A flag as parsed: its spec (null for a configured extra flag) and value (null when bare). */
export interface ParsedFlag {
  readonly name: string;
  readonly value: string | null;
  readonly spec: FlagSpec | null;
}

export interface ParsedArgv {
  readonly path: string;
  readonly verb: string;
  readonly subcommand: string | null;
  readonly command: CommandSpec;
  readonly flags: readonly ParsedFlag[];
  readonly positionals: readonly string[];
  /** Tokens after `--` for exec/run/debug: the container command, never read by kubectl. */
  readonly commandTail: readonly string[];
}

export type ParseResult =
  | { readonly type: 'parsed'; readonly parsed: ParsedArgv }
  | {
      readonly type: 'denied';
      readonly reason: string;
      readonly verb: string | null;
      readonly subcommand: string | null;
    };

const booleanValues = new Set([
  '1',
  't',
  'T',
  'true',
  'TRUE',
  'True',
  '0',
  'f',
  'F',
  'false',
  'FALSE',
  'False',
]);
const numeric = /^-?[0-9]+(\.[0-9]+)?[a-z]*$/;

class Denial extends Error {}

function deny(reason: string): never {
  throw new Denial(reason);
}

interface State {
  path: string | null;
  command: CommandSpec | null;
  complete: boolean;
  afterDash: boolean;
  readonly flags: ParsedFlag[];
  readonly positionals: string[];
  readonly commandTail: string[];
}

function flagSetFor(state: State): FlagSet {
  return state.complete && state.command !== null ? flagSetOf(state.command) : globalFlagSet;
}

function where(state: State): string {
  return state.path === null ? 'kubectl' : `"${state.path}"`;
}

function checkSeparateValue(flag: string, value: string | undefined): string {
  if (value === undefined) deny(`flag ${flag} needs a value: write ${flag}=VALUE`);
  if (value.startsWith('-') && !numeric.test(value)) {
    deny(`the value "${value}" of ${flag} looks like a flag: write ${flag}=VALUE if it really is the value`);
  }
  return value;
}

function checkBoolean(flag: string, value: string): void {
  if (!booleanValues.has(value))
    deny(`flag ${flag} is a boolean: use ${flag}, ${flag}=true or ${flag}=false`);
}

function unknownLong(state: State, name: string): never {
  const fix = state.complete
    ? 'remove it (or ask the operator to add it to extraFlags)'
    : 'put command flags after the command, e.g. "kubectl get pods -A"';
  deny(`flag --${name} is not allowed for ${where(state)}: ${fix}`);
}

/** Parses `--name`, `--name=value`, `--name value`. Returns how many extra tokens were consumed. */
function parseLong(
  state: State,
  token: string,
  next: string | undefined,
  extraFlags: ReadonlySet<string>,
): number {
  const body = token.slice(2);
  const equals = body.indexOf('=');
  const rawName = equals === -1 ? body : body.slice(0, equals);
  const inline = equals === -1 ? null : body.slice(equals + 1);
  const name = normaliseFlagName(rawName);
  const rejected = alwaysRejectedFlags.get(name);
  if (rejected !== undefined) deny(`flag --${name} is always rejected: ${rejected}`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) deny(`"${token}" is not a valid flag: remove it`);
  const spec = flagSetFor(state).byLong.get(name);
  if (spec === undefined) {
    if (state.complete && extraFlags.has(name)) {
      state.flags.push({ name, value: inline, spec: null });
      return 0;
    }
    unknownLong(state, name);
  }
  switch (spec.arity) {
    case 'none':
      if (inline !== null) checkBoolean(`--${name}`, inline);
      state.flags.push({ name, value: inline, spec });
      return 0;
    case 'optional':
      state.flags.push({ name, value: inline, spec });
      return 0;
    case 'value':
      if (inline !== null) {
        state.flags.push({ name, value: inline, spec });
        return 0;
      }
      state.flags.push({ name, value: checkSeparateValue(`--${name}`, next), spec });
      return 1;
  }
}

/** Parses a pflag shorthand cluster: `-A`, `-Aw`, `-nx`, `-n x`, `-n=x`, `-ojson`. */
function parseShort(state: State, token: string, next: string | undefined): number {
  const cluster = token.slice(1);
  const set = flagSetFor(state);
  for (let index = 0; index < cluster.length; index += 1) {
    const letter = cluster.charAt(index);
    const spec = set.byShort.get(letter);
    if (spec === undefined) {
      const rejectedLong = alwaysRejectedShortFlags.get(letter);
      if (rejectedLong !== undefined) {
        deny(
          `flag -${letter} (--${rejectedLong}) is always rejected: ${alwaysRejectedFlags.get(rejectedLong) ?? ''}`,
        );
      }
      const fix = state.complete
        ? 'remove it'
        : 'put command flags after the command, e.g. "kubectl get pods -A"';
      deny(`flag -${letter} (in "${token}") is not allowed for ${where(state)}: ${fix}`);
    }
    const rest = cluster.slice(index + 1);
    if (spec.arity === 'value') {
      if (rest.startsWith('=')) state.flags.push({ name: spec.long, value: rest.slice(1), spec });
      else if (rest !== '') state.flags.push({ name: spec.long, value: rest, spec });
      else {
        state.flags.push({ name: spec.long, value: checkSeparateValue(`-${letter}`, next), spec });
        return 1;
      }
      return 0;
    }
    if (rest.startsWith('=')) {
      const value = rest.slice(1);
      if (spec.arity === 'none') checkBoolean(`-${letter}`, value);
      state.flags.push({ name: spec.long, value, spec });
      return 0;
    }
    state.flags.push({ name: spec.long, value: null, spec });
  }
  return 0;
}

function settle(state: State): void {
  if (state.path === null) return;
  const lookup = lookupCommand(state.path);
  switch (lookup.type) {
    case 'command':
      state.command = lookup.command;
      state.complete = true;
      return;
    case 'never':
      deny(`"${lookup.path}" is never allowed: ${lookup.reason}`);
    // eslint-disable-next-line no-fallthrough -- deny never returns
    case 'needsSubcommand':
      deny(`"${lookup.path}" needs a subcommand: one of ${lookup.choices.join(', ')}`);
    // eslint-disable-next-line no-fallthrough -- deny never returns
    case 'unknown':
      deny(
        `"${lookup.path}" is not a kubectl command Kubently knows (plugins are never run): use a read-only verb such as get, describe or logs`,
      );
  }
}

function positional(state: State, token: string): void {
  if (state.path === null) {
    if (!isCommandPath(token)) {
      deny(
        `verb "${token}" is not a kubectl command Kubently knows (plugins are never run): use a read-only verb such as get, describe or logs`,
      );
    }
    state.path = token;
    if (!hasSubcommands(token)) settle(state);
    return;
  }
  if (!state.complete) {
    const candidate = `${state.path} ${canonicalSubcommand(state.path, token)}`;
    if (isCommandPath(candidate)) {
      state.path = candidate;
      if (!hasSubcommands(candidate)) settle(state);
      return;
    }
    settle(state);
  }
  state.positionals.push(token);
}

function run(argv: readonly string[], extraFlags: ReadonlySet<string>): ParsedArgv {
  const state: State = {
    path: null,
    command: null,
    complete: false,
    afterDash: false,
    flags: [],
    positionals: [],
    commandTail: [],
  };
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index] ?? '';
    if (state.afterDash) {
      if (state.command?.commandAfterDash === true) state.commandTail.push(token);
      else state.positionals.push(token);
      continue;
    }
    if (token === '--') {
      if (!state.complete) settle(state);
      if (state.path === null) deny('"--" before the verb: write the verb first, e.g. "get pods"');
      state.afterDash = true;
      continue;
    }
    if (token.startsWith('--')) index += parseLong(state, token, argv[index + 1], extraFlags);
    else if (token.startsWith('-') && token.length > 1) index += parseShort(state, token, argv[index + 1]);
    else positional(state, token);
  }
  if (state.path === null) deny('no verb given: start with a read-only verb such as get, describe or logs');
  if (!state.complete) settle(state);
  if (state.command === null) deny('no command found');
  const [verb = '', ...rest] = state.path.split(' ');
  return {
    path: state.path,
    verb,
    subcommand: rest.length === 0 ? null : rest.join(' '),
    command: state.command,
    flags: state.flags,
    positionals: state.positionals,
    commandTail: state.commandTail,
  };
}

/** Parses argv (without a leading `kubectl`) by kubectl's grammar; never throws. */
export function parseArgv(argv: readonly string[], extraFlags: ReadonlySet<string>): ParseResult {
  try {
    return { type: 'parsed', parsed: run(argv, extraFlags) };
  } catch (error) {
    if (error instanceof Denial) {
      const verb = argv.find((token) => !token.startsWith('-')) ?? null;
      return {
        type: 'denied',
        reason: error.message,
        verb: verb !== null && isCommandPath(verb) ? verb : null,
        subcommand: null,
      };
    }
    throw error;
  }
}
