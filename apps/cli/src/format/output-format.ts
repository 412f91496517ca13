import { KubentlyError } from '../kubently-error.js';

export type OutputFormat = 'table' | 'json';

export const outputOption = { output: { type: 'string', short: 'o' } } as const;

export function parseOutputFormat(raw: string | undefined): OutputFormat {
  if (raw === undefined || raw === 'table') return 'table';
  if (raw === 'json') return 'json';
  throw new KubentlyError('usage', `-o/--output must be "table" or "json", got "${raw}"`);
}
