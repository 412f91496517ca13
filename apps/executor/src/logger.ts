import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

import { jsonLogFormat } from '@kubently/protocol';

import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/**
 * JSON lines on stdout (or `destination`) in the shape both apps share (packages/protocol
 * `logRecordSchema`); every line carries the executor's cluster_id and executor_id.
 */
export function createLogger(
  level: LogLevel,
  bindings: { clusterId: string; executorId: string },
  destination?: DestinationStream,
): Logger {
  const format = jsonLogFormat('kubently-executor');
  const options = { level, ...format, base: { ...format.base, ...bindings } };
  return destination === undefined ? pino(options) : pino(options, destination);
}
