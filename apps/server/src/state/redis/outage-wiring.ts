import { systemTimers } from '../../support/timers.js';
import type { Timers } from '../../support/timers.js';
import { bufferPort, OutageBuffer } from './outage-buffer.js';
import type { RedisClient } from './redis-script.js';

/** KUBENTLY_REDIS_OUTAGE_* (docs/operations.md "Redis outages"). */
export interface RedisOutageOptions {
  readonly graceMs: number;
  readonly maxCalls: number;
  readonly maxBytes: number;
  readonly timers?: Timers;
}

export interface OutageWiring {
  readonly buffer: OutageBuffer | null;
  /** The port with its Redis calls through the buffer (unchanged without one). */
  wrap<T extends object>(port: T): T;
  close(): void;
}

/** How often waiting calls try again when the client emits no `ready` (Cluster failover). */
const retryIntervalMs = 250;

/**
 * The outage buffer of one Redis client: released on the client's `ready` event (reconnected,
 * Sentinel's new master found) and on a retry tick otherwise.
 */
export const createOutageBuffer = (
  client: RedisClient,
  isReady: () => boolean,
  where: string,
  options: RedisOutageOptions | undefined,
): OutageWiring => {
  if (options === undefined || options.graceMs <= 0)
    return { buffer: null, wrap: (port) => port, close: () => undefined };
  const buffer = new OutageBuffer({
    graceMs: options.graceMs,
    maxCalls: options.maxCalls,
    maxBytes: options.maxBytes,
    retryIntervalMs,
    timers: options.timers ?? systemTimers,
    isReady,
    where,
  });
  const onReady = (): void => {
    buffer.ready();
  };
  client.on('ready', onReady);
  return {
    buffer,
    wrap: (port) => bufferPort(port, buffer),
    close: () => {
      client.off('ready', onReady);
      buffer.close();
    },
  };
};
