import { KubentlyError } from '../kubently-error.js';

/** What `-o` accepts on a listing command (`clusters list`, `keys list`, `audit`, `config list`). */
export const listFormats = ['table', 'wide', 'json', 'yaml', 'name'] as const;
/** What `-o` accepts where one object is printed (`clusters add`, `keys create`). */
export const documentFormats = ['table', 'json', 'yaml'] as const;

export type OutputFormat = (typeof listFormats)[number];
export type DocumentFormat = (typeof documentFormats)[number];

export const outputOption = { output: { type: 'string', short: 'o' } } as const;

/**
 * The one wording for a flag that takes one of a few words, `-o` included:
 * `-o/--output must be one of table, json, yaml (got "xml")`.
 */
export function parseChoice<T extends string>(
  flag: string,
  raw: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (raw === undefined) return undefined;
  if ((choices as readonly string[]).includes(raw)) return raw as T;
  throw new KubentlyError('usage', `${flag} must be one of ${choices.join(', ')} (got "${raw}")`);
}

/** `-o`; without it the first choice (the table, or text). */
export function parseOutputFormat<T extends string = DocumentFormat>(
  raw: string | undefined,
  choices: readonly T[] = documentFormats as unknown as readonly T[],
): T {
  const parsed = parseChoice('-o/--output', raw, choices);
  if (parsed !== undefined) return parsed;
  const [first] = choices;
  if (first === undefined) throw new Error('parseOutputFormat needs at least one choice');
  return first;
}
