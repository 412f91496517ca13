import { randomUUID } from 'node:crypto';

import { ConfigError } from '../../config.js';
import type { Clock } from '../../support/clock.js';
import type { Logger } from '../../support/logger.js';
import { createBackendErrorCounter } from '../backend-error-counter.js';
import type { BackendErrorCounter } from '../backend-error-counter.js';
import type { StateStore } from '../state-store.js';
import { agentStateDefaults } from '../agent-task-store.js';
import { BadDataReporter } from './bad-data-reporter.js';
import { guardPort, toBackendError } from './backend-errors.js';
import { OrphanReaper } from './orphan-reaper.js';
import { createOutageBuffer } from './outage-wiring.js';
import type { RedisOutageOptions } from './outage-wiring.js';
import { RedisAgentTaskStore } from './redis-agent-task-store.js';
import type { LostListener } from './orphan-reaper.js';
import { RedisAuditLog } from './redis-audit-log.js';
import { RedisClusterRegistry } from './redis-cluster-registry.js';
import { RedisCommandQueue } from './redis-command-queue.js';
import { RedisCommandStore } from './redis-command-store.js';
import { RedisConversationStore } from './redis-conversation-store.js';
import { createRedisClient, parseRedisUrl } from './redis-connection.js';
import type { RedisTarget } from './redis-connection.js';
import { RedisEvents } from './redis-events.js';
import { RedisFindingHistory } from './redis-finding-history.js';
import { RedisProbe } from './redis-probe.js';
import { createRedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-script.js';
import { RedisKeyStore } from './redis-key-store.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';
import { RedisQuotaLedger } from './redis-quota-ledger.js';
import { RedisSessionStore } from './redis-session-store.js';

export interface RedisStateOptions {
  /** KUBENTLY_REDIS_URL: redis://, rediss://, redis+sentinel://, redis+cluster://. */
  readonly url: string;
  /** KUBENTLY_REDIS_PREFIX, e.g. `kubently:`. */
  readonly prefix: string;
  readonly clock: Clock;
  readonly resultTtlMs: number;
  readonly auditMaxRecords: number;
  /** How long an executor counts as connected after the last sign of life (3 keepalives). */
  readonly presenceTtlMs: number;
  readonly redeliveryGraceMs: number;
  /** How often this replica looks for commands of executors no replica holds any more. */
  readonly reapIntervalMs: number;
  readonly connectTimeoutMs?: number;
  readonly logger: Logger;
  /** Where bad records, bad messages, failed listeners and refused commands are counted. */
  readonly errors?: BackendErrorCounter;
  /** Short outages absorbed in memory (outage-buffer.ts); absent: every call fails at once. */
  readonly outage?: RedisOutageOptions;
}

export interface RedisStateStore extends StateStore {
  readonly kind: 'redis';
  readonly errors: BackendErrorCounter;
  /** Commands of executors that vanished with their replica: the composition root fails them. */
  onLost(listener: LostListener): void;
  /** One reaper pass now (tests); the timer runs it every reapIntervalMs. */
  reap(): Promise<number>;
  /** Round trip and pub/sub lag samples for telemetry. */
  readonly probe: RedisProbe;
}

/** Where the URL points, without its password, for messages and logs. */
const describeUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');

const connect = async (client: RedisClient, where: string, timeoutMs: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  // ioredis rejects connect() with "Connection is closed"; the socket error says why.
  let cause: unknown;
  const onError = (error: unknown): void => {
    cause ??= error;
  };
  client.on('error', onError);
  try {
    await Promise.race([
      client.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`no answer within ${timeoutMs} ms`));
        }, timeoutMs);
      }),
    ]);
  } catch (error) {
    client.disconnect();
    const reason = cause ?? error;
    throw new ConfigError(
      'KUBENTLY_REDIS_URL',
      `cannot reach Redis at ${where}: ${reason instanceof Error ? reason.message : String(reason)}; start Redis or fix KUBENTLY_REDIS_URL, or unset it to use the in-memory backend`,
    );
  } finally {
    client.off('error', onError);
    clearTimeout(timer);
  }
};

/**
 * Shared state for several replicas. Connects (and throws a message naming KUBENTLY_REDIS_URL when
 * Redis does not answer), subscribes to the replicas' event channel and starts the orphan reaper.
 */
export const createRedisState = async (options: RedisStateOptions): Promise<RedisStateStore> => {
  let target: RedisTarget;
  try {
    target = parseRedisUrl(options.url);
  } catch (error) {
    throw new ConfigError('KUBENTLY_REDIS_URL', error instanceof Error ? error.message : String(error));
  }
  const where = describeUrl(options.url);
  const client = createRedisClient(target);
  const subscriber = createRedisClient(target);
  const { logger } = options;
  const errors = options.errors ?? createBackendErrorCounter();
  const reporter = new BadDataReporter({ logger, errors });
  // ioredis reports connection errors as events too; reconnection is its job, the callers see 503.
  client.on('error', () => undefined);
  subscriber.on('error', () => undefined);
  const timeoutMs = options.connectTimeoutMs ?? 5000;
  await connect(client, where, timeoutMs);
  try {
    await connect(subscriber, where, timeoutMs);
  } catch (error) {
    client.disconnect();
    throw error;
  }
  watchConnection(client, 'commands', where, logger, reporter);
  watchConnection(subscriber, 'events', where, logger, reporter);
  const keys = createRedisKeys(options.prefix);
  const replicaId = randomUUID();
  const events = new RedisEvents({
    publisher: client,
    subscriber,
    channel: keys.events,
    replicaId,
    reporter,
  });
  await events.start();
  const tasks = new RedisAgentTaskStore({
    client,
    subscriber,
    keys,
    replicaId,
    taskTtlMs: agentStateDefaults.taskTtlMs,
    maxTasksPerOwner: agentStateDefaults.maxTasksPerOwner,
    reporter,
  });
  await tasks.start();
  const probe = new RedisProbe({
    publisher: client,
    subscriber,
    channel: `${options.prefix}probe:${replicaId}`,
    now: () => performance.now(),
    timeoutMs: 2000,
  });
  await probe.start();
  const queue = new RedisCommandQueue({ client, keys, events, reporter });
  const commands = new RedisCommandStore({
    client,
    keys,
    events,
    clock: options.clock,
    resultTtlMs: options.resultTtlMs,
    reporter,
  });
  const clusters = new RedisClusterRegistry({
    client,
    keys,
    presenceTtlMs: options.presenceTtlMs,
    reporter,
  });
  const reaper = new OrphanReaper({
    queue,
    clusters,
    clock: options.clock,
    redeliveryGraceMs: options.redeliveryGraceMs,
    onFailure: (error, command, executorId) => {
      logger.error(
        { err: error, commandId: command.id, clusterId: command.clusterId, executorId },
        'failing a command of a vanished executor failed; its caller gets its deadline error',
      );
    },
  });
  const isReady = (): boolean => client.status === 'ready';
  const outage = createOutageBuffer(client, isReady, where, options.outage);
  /** Each port's Redis error replies are counted and logged once per port method. */
  const guard = <T extends object>(port: T, entity: string): T =>
    guardPort(outage.wrap(port), isReady, where, (error, method) => {
      reporter.report(
        'redis_error',
        { entity, key: `${entity}.${method}` },
        error.message.split('\n')[0] ?? '',
      );
    });
  const reap = async (): Promise<number> => {
    try {
      return await reaper.reap();
    } catch (error) {
      throw toBackendError(error, isReady(), where);
    }
  };
  const timer = setInterval(() => {
    if (!isReady()) return;
    reap().catch((error: unknown) => {
      logger.warn({ err: error }, 'an orphan reaper pass failed; the next one retries');
    });
  }, options.reapIntervalMs);
  timer.unref();
  let closed = false;
  return {
    kind: 'redis',
    errors,
    clusters: guard(clusters, 'clusters'),
    queue: guard(queue, 'queue'),
    commands: guard(commands, 'commands'),
    sessions: guard(new RedisSessionStore({ client, keys, clock: options.clock, reporter }), 'sessions'),
    audit: guard(new RedisAuditLog({ client, keys, maxRecords: options.auditMaxRecords, reporter }), 'audit'),
    quotas: guard(new RedisQuotaLedger({ client, keys, clock: options.clock }), 'quotas'),
    keys: guard(new RedisKeyStore({ client, keys, reporter }), 'keys'),
    rates: guard(new RedisRateLimiter({ client, keys }), 'rates'),
    findings: guard(new RedisFindingHistory({ client, keys, reporter }), 'findings'),
    tasks: guard(tasks, 'tasks'),
    conversations: guard(
      new RedisConversationStore({
        client,
        keys,
        maxMessages: agentStateDefaults.conversationMaxMessages,
        ttlMs: agentStateDefaults.conversationTtlMs,
        reporter,
      }),
      'conversations',
    ),
    onLost: (listener) => {
      reaper.onLost(listener);
    },
    reap,
    probe,
    ping: async () => {
      try {
        await client.ping();
      } catch (error) {
        throw toBackendError(error, false, where);
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      outage.close();
      queue.close();
      commands.close();
      await Promise.allSettled([client.quit(), subscriber.quit()]);
      client.disconnect();
      subscriber.disconnect();
    },
  };
};

/**
 * Logs a connection's outages once each (ioredis emits `error` on every reconnect attempt) and its
 * return; the handlers are guarded like every other listener.
 */
const watchConnection = (
  client: RedisClient,
  name: string,
  where: string,
  logger: Logger,
  reporter: BadDataReporter,
): void => {
  let down = false;
  const site = { entity: 'connection', key: name };
  client.on(
    'error',
    reporter.guard(site, (error: unknown) => {
      if (down) return;
      down = true;
      logger.warn(
        { err: error, connection: name, redis: where },
        'Redis connection lost; state calls answer backend_unavailable until it is back',
      );
    }),
  );
  client.on(
    'ready',
    reporter.guard(site, () => {
      if (!down) return;
      down = false;
      logger.info({ connection: name, redis: where }, 'Redis connection is back');
    }),
  );
};
