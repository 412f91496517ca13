import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

import type { LogLevel } from '../config.js';

export type { Logger } from 'pino';

/**
 * JSON lines on stdout (or the given destination); fields: identity, correlationId, clusterId,
 * sessionId. Writes are asynchronous (pino flushes them on exit) so a slow stdout reader never
 * blocks request handling.
 */
export const createLogger = (level: LogLevel, destination?: DestinationStream): Logger =>
  pino(
    { level, base: { service: 'kubently-server' } },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
