import { KubentlyError } from '../kubently-error.js';

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export function parseLogLevel(raw: string | undefined): LogLevel | undefined {
  if (raw === undefined) return undefined;
  if ((logLevels as readonly string[]).includes(raw)) return raw as LogLevel;
  throw new KubentlyError('usage', `--log-level must be one of ${logLevels.join(', ')}; got "${raw}"`);
}
