import { randomUUID } from 'node:crypto';

import { ConfigError } from '../../config.js';
import type { Clock } from '../../support/clock.js';
import type { StateStore } from '../state-store.js';
import { agentStateDefaults } from '../agent-task-store.js';
import { guardPort, toBackendError } from './backend-errors.js';
import { OrphanReaper } from './orphan-reaper.js';
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
import { createRedisKeys } from './redis-keys.js';
import type { RedisClient } from './redis-script.js';
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
}

export interface RedisStateStore extends StateStore {
  readonly kind: 'redis';
  /** Commands of executors that vanished with their replica: the composition root fails them. */
  onLost(listener: LostListener): void;
  /** One reaper pass now (tests); the timer runs it every reapIntervalMs. */
  reap(): Promise<number>;
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
  const keys = createRedisKeys(options.prefix);
  const replicaId = randomUUID();
  const events = new RedisEvents({
    publisher: client,
    subscriber,
    channel: keys.events,
    replicaId,
  });
  await events.start();
  const tasks = new RedisAgentTaskStore({
    client,
    subscriber,
    keys,
    replicaId,
    taskTtlMs: agentStateDefaults.taskTtlMs,
    maxTasksPerOwner: agentStateDefaults.maxTasksPerOwner,
  });
  await tasks.start();
  const queue = new RedisCommandQueue({ client, keys, events });
  const commands = new RedisCommandStore({
    client,
    keys,
    events,
    clock: options.clock,
    resultTtlMs: options.resultTtlMs,
  });
  const clusters = new RedisClusterRegistry({ client, keys, presenceTtlMs: options.presenceTtlMs });
  const reaper = new OrphanReaper({
    queue,
    clusters,
    clock: options.clock,
    redeliveryGraceMs: options.redeliveryGraceMs,
  });
  const isReady = (): boolean => client.status === 'ready';
  const reap = async (): Promise<number> => {
    try {
      return await reaper.reap();
    } catch (error) {
      throw toBackendError(error, isReady(), where);
    }
  };
  const timer = setInterval(() => {
    if (isReady()) reap().catch(() => undefined);
  }, options.reapIntervalMs);
  timer.unref();
  let closed = false;
  return {
    kind: 'redis',
    clusters: guardPort(clusters, isReady, where),
    queue: guardPort(queue, isReady, where),
    commands: guardPort(commands, isReady, where),
    sessions: guardPort(new RedisSessionStore({ client, keys, clock: options.clock }), isReady, where),
    audit: guardPort(
      new RedisAuditLog({ client, keys, maxRecords: options.auditMaxRecords }),
      isReady,
      where,
    ),
    quotas: guardPort(new RedisQuotaLedger({ client, keys, clock: options.clock }), isReady, where),
    tasks: guardPort(tasks, isReady, where),
    conversations: guardPort(
      new RedisConversationStore({
        client,
        keys,
        maxMessages: agentStateDefaults.conversationMaxMessages,
        ttlMs: agentStateDefaults.conversationTtlMs,
      }),
      isReady,
      where,
    ),
    onLost: (listener) => {
      reaper.onLost(listener);
    },
    reap,
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
      queue.close();
      commands.close();
      await Promise.allSettled([client.quit(), subscriber.quit()]);
      client.disconnect();
      subscriber.disconnect();
    },
  };
};
