import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

export type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** The typed `values` node:util infers for these options in strict mode. */
export type ParsedValues<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>['values'];

import { KubentlyError } from '../kubently-error.js';

export interface ParsedCommandArgs<V> {
  readonly values: V;
  readonly positionals: readonly string[];
  /** Everything after the first `--`, verbatim (kubectl arguments); `undefined` without `--`. */
  readonly passthrough: readonly string[] | undefined;
}

/**
 * node:util `parseArgs` in strict mode for the part before the first `--`; the rest is handed over
 * untouched so kubectl flags (`-A`, `-o json`) never reach our parser. Unknown flags are usage
 * errors that repeat the usage line.
 */
export function parseCommandArgs<const O extends ParseArgsOptionsConfig>(
  argv: readonly string[],
  options: O,
  usage: string,
): ParsedCommandArgs<ParsedValues<O>> {
  const split = argv.indexOf('--');
  const before = split === -1 ? [...argv] : argv.slice(0, split);
  const passthrough = split === -1 ? undefined : argv.slice(split + 1);
  try {
    const { values, positionals } = parseArgs({
      args: before,
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values, positionals, passthrough };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = /Unknown option/.test(message)
      ? '\n  kubectl arguments go after `--`, e.g. `kubently exec prod -- get pods -A`'
      : '';
    throw new KubentlyError('usage', `${message}${hint}\n  usage: ${usage}`, { cause: error });
  }
}

/** Exactly `count` positionals, each named in the error so the user knows what is missing. */
export function requirePositionals(
  positionals: readonly string[],
  names: readonly string[],
  usage: string,
): string[] {
  if (positionals.length < names.length) {
    const missing = names.slice(positionals.length).map((name) => `<${name}>`);
    throw new KubentlyError('usage', `missing ${missing.join(' ')}\n  usage: ${usage}`);
  }
  if (positionals.length > names.length) {
    const extra = positionals.slice(names.length).join(' ');
    throw new KubentlyError('usage', `unexpected argument(s): ${extra}\n  usage: ${usage}`);
  }
  return [...positionals];
}

/** A flag that must be a positive integer (`--limit`, `--timeout`, `--port`). */
export function parseIntegerFlag(
  name: string,
  raw: string | undefined,
  range: { min: number; max: number },
): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < range.min || value > range.max) {
    throw new KubentlyError(
      'usage',
      `--${name} must be a whole number from ${range.min} to ${range.max}, got "${raw}"`,
    );
  }
  return value;
}
