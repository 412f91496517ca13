import type { AddressInfo } from 'node:net';

import { createAdaptorServer } from '@hono/node-server';

import { checkListenConfig } from './config.js';
import type { ServerConfig } from './config.js';
import { createApp } from './http/create-app.js';
import { createRedisState } from './state/redis/create-redis-state.js';
import type { RedisStateStore } from './state/redis/create-redis-state.js';
import { systemClock } from './support/clock.js';
import { createLogger } from './support/logger.js';
import { createServices } from './services.js';
import { startMetricsListener } from './telemetry/index.js';
import type { MetricsListener } from './telemetry/index.js';
import type { ServerServices, ServiceOverrides } from './services.js';

export interface RunningServer {
  /** e.g. `http://127.0.0.1:8080`, with the real port when config.port was 0. */
  readonly url: string;
  readonly port: number;
  readonly services: ServerServices;
  /** The unauthenticated metrics listener's URL (KUBENTLY_METRICS_PORT), or null without one. */
  readonly metricsUrl: string | null;
  /** Graceful: stops accepting, fails waiting callers with shutting_down, ends SSE streams, stops timers. */
  close(): Promise<void>;
}

/** Listens on config.host:config.port and logs `{"msg":"listening","url":...}` at info level. */
export const start = async (
  config: ServerConfig,
  overrides: ServiceOverrides = {},
): Promise<RunningServer> => {
  checkListenConfig(config);
  let redis: RedisStateStore | undefined;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  if (overrides.state === undefined && config.redisUrl !== null) {
    redis = await createRedisState({
      logger,
      url: config.redisUrl,
      prefix: config.redisPrefix,
      clock: overrides.clock ?? systemClock,
      resultTtlMs: config.resultTtlSeconds * 1000,
      auditMaxRecords: config.auditMaxRecords,
      // Keepalives refresh presence; three missed ones and no replica vouches for the executor.
      presenceTtlMs: config.keepaliveSeconds * 3000,
      redeliveryGraceMs: config.redeliveryGraceMs,
      reapIntervalMs: Math.min(5000, Math.max(1000, config.keepaliveSeconds * 1000)),
    });
  }
  const services = createServices(
    config,
    redis === undefined
      ? { ...overrides, logger }
      : { ...overrides, logger, state: redis, redisProbe: redis.probe },
  );
  // Commands of an executor whose replica died fail definitely, like the hub's own grace expiry.
  redis?.onLost((command, executorId) => services.commands.failLost(command, executorId));
  const app = createApp(services);
  const server = createAdaptorServer({ fetch: app.fetch, hostname: config.host, port: config.port });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(error);
    };
    server.once('error', onError);
    server.listen(config.port, config.host, () => {
      server.off('error', onError);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await services.close();
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  services.logger.info({ url, port }, 'listening');
  let metricsListener: MetricsListener | null = null;
  if (config.metricsPort !== null) {
    metricsListener = await startMetricsListener({
      host: config.metricsHost ?? config.host,
      port: config.metricsPort,
      render: () => services.telemetry.render(),
      contentType: services.telemetry.contentType,
      logger: services.logger,
    }).catch(async (error: unknown) => {
      server.close();
      await services.close();
      throw error;
    });
    services.logger.info({ url: `${metricsListener.url}/metrics` }, 'serving metrics');
  }
  if (config.apiKeys.length === 0) {
    services.logger.warn(
      'no API keys configured: every REST call answers 401; set KUBENTLY_API_KEYS="identity:key"',
    );
  }

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
    await metricsListener?.close();
    await services.close();
    const timer = setTimeout(() => {
      if ('closeAllConnections' in server) server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    timer.unref();
    if ('closeIdleConnections' in server) server.closeIdleConnections();
    await closed;
    clearTimeout(timer);
    services.logger.info('server closed');
  };
  return {
    url,
    port,
    services,
    metricsUrl: metricsListener?.url ?? null,
    close: () => (closing ??= close()),
  };
};
