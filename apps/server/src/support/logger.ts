import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

import { jsonLogFormat } from '@kubently/protocol';

import type { LogLevel } from '../config.js';

export type { Logger } from 'pino';

/**
 * JSON lines on stdout (or the given destination) in the shape both apps share
 * (packages/protocol `logRecordSchema`: timestamp, level, service, correlation_id, cluster_id,
 * session_id, argv, execution_time_ms). Writes are asynchronous (pino flushes them on exit) so a
 * slow stdout reader never blocks request handling.
 */
export const createLogger = (level: LogLevel, destination?: DestinationStream): Logger =>
  pino(
    { level, ...jsonLogFormat('kubently-server') },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
