import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/** JSON lines on stdout (or `destination`), one field set per executor: cluster and executor ids. */
export function createLogger(
  level: LogLevel,
  bindings: { clusterId: string; executorId: string },
  destination?: DestinationStream,
): Logger {
  const options = {
    level,
    base: { app: 'kubently-executor', ...bindings },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
