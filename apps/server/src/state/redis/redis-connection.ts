import { Cluster, Redis } from 'ioredis';
import type { ClusterOptions, RedisOptions } from 'ioredis';

import type { RedisClient } from './redis-script.js';

/** How to reach Redis, parsed from KUBENTLY_REDIS_URL. */
export type RedisTarget =
  | { readonly type: 'single'; readonly url: string }
  | {
      readonly type: 'sentinel';
      readonly sentinels: readonly { host: string; port: number }[];
      readonly name: string;
      readonly password: string | undefined;
      readonly db: number;
      readonly tls: boolean;
    }
  | {
      readonly type: 'cluster';
      readonly nodes: readonly { host: string; port: number }[];
      readonly password: string | undefined;
      readonly tls: boolean;
    };

const hostList = (hosts: string, defaultPort: number): { host: string; port: number }[] =>
  hosts.split(',').map((entry) => {
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry.trim());
    if (match?.[1] === undefined) throw new Error(`"${entry}" is not host or host:port`);
    return {
      host: match[1].replace(/^\[|\]$/g, ''),
      port: match[2] === undefined ? defaultPort : Number(match[2]),
    };
  });

/**
 * `redis://` and `rediss://` (TLS) address one server; `redis+sentinel://[:password@]h1:26379,h2:26379/<master>[/<db>]`
 * (or `rediss+sentinel://`) asks Sentinel for the master; `redis+cluster://[:password@]h1:7000,h2:7001`
 * (or `rediss+cluster://`) seeds a Redis Cluster client. Throws a message naming the fix.
 */
export const parseRedisUrl = (value: string): RedisTarget => {
  const match = /^(rediss?)(\+sentinel|\+cluster)?:\/\/(?:([^@/]*)@)?([^/]+)(\/.*)?$/.exec(value.trim());
  if (match === null) {
    throw new Error(
      `"${value}" is not a Redis URL; use redis://host:6379, rediss://host:6380, redis+sentinel://h1:26379,h2:26379/mymaster or redis+cluster://h1:7000,h2:7001`,
    );
  }
  const [, scheme, variant, auth, hosts = '', path = ''] = match;
  const tls = scheme === 'rediss';
  const password = auth === undefined ? undefined : decodeURIComponent(auth.slice(auth.indexOf(':') + 1));
  if (variant === undefined) return { type: 'single', url: value.trim() };
  if (variant === '+cluster') return { type: 'cluster', nodes: hostList(hosts, 6379), password, tls };
  const [name, db = '0'] = path.replace(/^\//, '').split('/');
  if (name === undefined || name === '')
    throw new Error(
      `"${value}" names no Sentinel master; append it, e.g. redis+sentinel://h1:26379/mymaster`,
    );
  if (!/^\d+$/.test(db)) throw new Error(`"${value}": the database after the master name must be a number`);
  return { type: 'sentinel', sentinels: hostList(hosts, 26379), name, password, db: Number(db), tls };
};

/**
 * How long one Redis command may go unanswered on a live connection (a stalled or paused Redis,
 * a long script) before its caller gets backend_unavailable. Every state call is bounded by it, so
 * a stalled Redis delays a caller's definite answer by at most this much.
 */
export const redisCommandTimeoutMs = 5000;

/**
 * A connection with replies outstanding that receives nothing for this long is dropped and dialled
 * again: a Redis that vanished without closing the socket (host gone, failed-over master) is left
 * behind instead of holding the connection until TCP gives up. Longer than the command timeout, so
 * a short stall keeps the connection and its order.
 */
export const redisSocketTimeoutMs = 15_000;

/**
 * Failure behaviour (docs/scale-out.md "Failure behaviour"):
 * - no offline queue: while disconnected a command fails at once (backend_unavailable) instead of
 *   waiting for a reconnect that may never come;
 * - `maxRetriesPerRequest: 0` and no resend after a reconnect: a command in flight when the
 *   connection drops fails at once and is never replayed later, because its caller has already
 *   been told it failed (a replayed enqueue would queue a command nobody waits for, or twice);
 * - `commandTimeout` bounds every command on a connection that stays up but gets no reply;
 * - the client reconnects by itself forever with capped backoff.
 */
const common = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  commandTimeout: redisCommandTimeoutMs,
  socketTimeout: redisSocketTimeoutMs,
  connectTimeout: 5000,
  retryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
} satisfies RedisOptions;

export const createRedisClient = (target: RedisTarget): RedisClient => {
  switch (target.type) {
    case 'single':
      return new Redis(target.url, common);
    case 'sentinel':
      return new Redis({
        ...common,
        sentinels: [...target.sentinels],
        name: target.name,
        db: target.db,
        ...(target.password === undefined ? {} : { password: target.password }),
        ...(target.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
      });
    case 'cluster': {
      const options = {
        lazyConnect: true,
        enableOfflineQueue: false,
        clusterRetryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
        redisOptions: {
          maxRetriesPerRequest: common.maxRetriesPerRequest,
          autoResendUnfulfilledCommands: common.autoResendUnfulfilledCommands,
          commandTimeout: common.commandTimeout,
          socketTimeout: common.socketTimeout,
          ...(target.password === undefined ? {} : { password: target.password }),
          ...(target.tls ? { tls: {} } : {}),
        },
      } satisfies ClusterOptions;
      return new Cluster([...target.nodes], options);
    }
  }
};
