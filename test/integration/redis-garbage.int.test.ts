import { createHash, randomUUID } from 'node:crypto';

import { TaskState } from '@a2a-js/sdk';
import type { Task } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import { clusterListSchema, commandResponseSchema, errorBodySchema, sessionSchema } from '@kubently/protocol';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRedisKeys } from '../../apps/server/src/state/redis/redis-keys.js';
import type { RedisKeys } from '../../apps/server/src/state/redis/redis-keys.js';
import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import type { FakeKubectl } from '../fixtures/fake-kubectl.js';
import { a2aClient, userMessage, withKey } from './support/a2a-client.js';
import { adminKey, connectExecutor, startServer } from './support/kubently.js';
import type { HttpAnswer, RunningServer } from './support/kubently.js';
import { eventually, stopAll } from './support/processes.js';
import { createPrivateRedis } from './support/redis-server.js';
import type { PrivateRedis } from './support/redis-server.js';

/**
 * Garbage in every key and channel the server reads, one key kind at a time: values that are not
 * JSON, JSON of the wrong shape, entries with the wrong fields, and keys of the wrong Redis type.
 * The built server runs against a private Redis with its executor; after each case it must still
 * be up, every call that touched the garbage must have answered definitely (a result, a 404 for a
 * record read as absent, or 503 backend_unavailable), and commands must still work. The cases are
 * keyed by the fields of RedisKeys, so a key added there without a case here does not compile.
 */

const prefix = 'garbage:';
const keys = createRedisKeys(prefix);
const clusterId = 'garbage';
const owner = 'admin';

interface Context {
  readonly redis: Redis;
  readonly server: RunningServer;
  readonly kubectl: FakeKubectl;
}

type KeyName = Exclude<keyof RedisKeys, 'prefix'>;

let privateRedis: PrivateRedis;
let context: Context;

const api = () => context.server.api;
const notJson = 'garbage {not json';
const tooLongId = 'x'.repeat(300);
const code = (answer: HttpAnswer): string => errorBodySchema.parse(answer.body).error.code;

const runCommand = (marker: string, extra: Record<string, unknown> = {}): Promise<HttpAnswer> =>
  api().post('/v1/commands', { clusterId, args: ['get', 'pods', marker], timeoutSeconds: 10, ...extra });

const expectCommandWorks = async (): Promise<void> => {
  const marker = `pod-${randomUUID()}`;
  const answer = await runCommand(marker);
  expect(answer.status).toBe(200);
  expect(commandResponseSchema.parse(answer.body).status).toBe('succeeded');
  expect(context.kubectl.invocations().filter((i) => i.argv.includes(marker))).toHaveLength(1);
};

const finalRecord = (id: string) =>
  eventually(async () => {
    const answer = await api().get(`/v1/commands/${id}`);
    const record = answer.status === 200 ? commandResponseSchema.parse(answer.body) : undefined;
    return record?.status === 'succeeded' || record?.status === 'failed' ? record : undefined;
  });

/** Replaces a key by a value of another Redis type, runs `check`, then deletes it. */
const withWrongType = async (key: string, check: () => Promise<void>, hash = false): Promise<void> => {
  await context.redis.del(key);
  if (hash) await context.redis.hset(key, 'garbage', notJson);
  else await context.redis.set(key, notJson);
  try {
    await check();
  } finally {
    await context.redis.del(key);
  }
};

const addCluster = async (id: string): Promise<string> => api().addCluster(id);

const executorPoll = (token: string): Promise<HttpAnswer> =>
  api()
    .withKey(null)
    .request('GET', '/v1/executor/commands?wait=0', undefined, { authorization: `Bearer ${token}` });

const a2a = async (): Promise<Client> => a2aClient(context.server.url);

const getTask = async (id: string): Promise<Task> =>
  (await a2a()).getTask({ tenant: '', id, historyLength: undefined }, withKey(adminKey));

const listTaskIds = async (): Promise<string[]> =>
  (
    await (
      await a2a()
    ).listTasks(
      {
        tenant: '',
        contextId: '',
        status: TaskState.TASK_STATE_UNSPECIFIED,
        pageToken: '',
        statusTimestampAfter: undefined,
        includeArtifacts: false,
      },
      withKey(adminKey),
    )
  ).tasks.map((task) => task.id);

/** A real task of the agent (engine-only: no model configured), stored by the server itself. */
const storedTask = async (): Promise<string> => {
  const result = await (
    await a2a()
  ).sendMessage(userMessage('anything wrong?', { clusterId }), withKey(adminKey));
  if (!('id' in result) || !('history' in result)) throw new Error('expected a task');
  expect((await getTask(result.id)).id).toBe(result.id);
  return result.id;
};

const cases: Record<KeyName, () => Promise<void>> = {
  clusters: async () => {
    await context.redis.sadd(keys.clusters, tooLongId, 'ghost');
    const listed = await api().get('/v1/clusters');
    expect(listed.status).toBe(200);
    expect(clusterListSchema.parse(listed.body).clusters.map((cluster) => cluster.id)).toEqual([clusterId]);
    await context.redis.srem(keys.clusters, tooLongId, 'ghost');
    await withWrongType(keys.clusters, async () => {
      const refused = await api().get('/v1/clusters');
      expect([refused.status, code(refused)]).toEqual([503, 'backend_unavailable']);
    });
    await context.redis.sadd(keys.clusters, clusterId);
  },
  cluster: async () => {
    // A field that is not what the server wrote, then the whole key of another Redis type.
    const spoil: Record<string, (key: string) => Promise<unknown>> = {
      tokens: (key) => context.redis.hset(key, 'tokens', notJson),
      createdAt: (key) => context.redis.hset(key, 'createdAt', 'yesterday'),
      type: async (key) => {
        await context.redis.del(key);
        return context.redis.set(key, notJson);
      },
    };
    for (const [how, write] of Object.entries(spoil)) {
      const id = `doomed-${how.toLowerCase()}`;
      const token = await addCluster(id);
      await write(keys.cluster(id));
      expect(code(await api().get(`/v1/clusters/${id}`))).toBe('cluster_not_found');
      expect((await executorPoll(token)).status).toBe(401);
      const refused = await api().post('/v1/commands', { clusterId: id, args: ['get', 'pods'] });
      expect(code(refused)).toBe('cluster_not_found');
      await context.redis.del(keys.cluster(id));
      await context.redis.srem(keys.clusters, id);
    }
  },
  presence: async () => {
    await context.redis.hset(keys.presence(clusterId), 'ghost-a', notJson, 'ghost-b', '{"connected":"yes"}');
    const listed = await api().get(`/v1/clusters/${clusterId}`);
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ connected: true, executors: 1 });
    await context.redis.hdel(keys.presence(clusterId), 'ghost-a', 'ghost-b');
    await withWrongType(keys.presence(clusterId), async () => {
      expect((await api().get(`/v1/clusters/${clusterId}`)).status).toBe(200);
    });
  },
  alive: async () => {
    await context.redis.set(keys.alive(clusterId, 'ghost'), notJson);
    expect((await api().get('/v1/clusters')).status).toBe(200);
    await withWrongType(
      keys.alive(clusterId, 'ghost'),
      async () => {
        expect((await api().get('/v1/clusters')).status).toBe(200);
      },
      true,
    );
  },
  token: async () => {
    const token = `kbt_${randomUUID()}`;
    const key = keys.token(createHash('sha256').update(token).digest('hex'));
    await context.redis.set(key, tooLongId);
    expect((await executorPoll(token)).status).toBe(401);
    await withWrongType(
      key,
      async () => {
        expect((await executorPoll(token)).status).toBe(401);
      },
      true,
    );
  },
  removedToken: async () => {
    // A removed cluster's token is answered 410; a tombstone that is not a cluster id reads as absent (401).
    const token = `kbt_${randomUUID()}`;
    const key = keys.removedToken(createHash('sha256').update(token).digest('hex'));
    await context.redis.set(key, tooLongId);
    expect((await executorPoll(token)).status).toBe(401);
    await withWrongType(
      key,
      async () => {
        expect((await executorPoll(token)).status).toBe(401);
      },
      true,
    );
    await context.redis.set(key, 'gone-cluster');
    const removed = await executorPoll(token);
    expect([removed.status, code(removed)]).toEqual([410, 'cluster_removed']);
    await context.redis.del(key);
  },
  queue: async () => {
    const queue = keys.queue(clusterId);
    await context.redis.xadd(queue, '*', 'i', 'bogus', 'c', notJson);
    await context.redis.xadd(queue, '*', 'x', 'y');
    const foreign = { id: 'foreign', clusterId: 'other', args: ['get', 'secrets'], timeoutSeconds: 5 };
    await context.redis.xadd(queue, '*', 'i', 'foreign', 'c', JSON.stringify(foreign));
    await expectCommandWorks();
    // Entries that are no command of this cluster are removed when claimed, never sent.
    await eventually(async () => ((await context.redis.xlen(queue)) === 0 ? true : undefined));
    expect(context.kubectl.invocations().some((i) => i.argv.includes('secrets'))).toBe(false);
    await withWrongType(queue, async () => {
      // The queue-depth limit reads the stream before anything is created: refused with nothing
      // half-written (a failing enqueue itself is covered in redis-faults.int.test.ts).
      const refused = await runCommand(`pod-${randomUUID()}`);
      expect([refused.status, code(refused)]).toEqual([503, 'backend_unavailable']);
      expect(errorBodySchema.parse(refused.body).error.details?.commandId).toBeUndefined();
    });
    // The next enqueue creates the stream and its consumer group again.
    await expectCommandWorks();
  },
  queueIndex: async () => {
    // The index entry of a running command spoiled: its result is still taken (the ack reports the entry).
    const submitted = await api().post('/v1/commands?wait=false', {
      clusterId,
      args: ['get', 'pods', 'fake-sleep-2', `pod-${randomUUID()}`],
    });
    const id = commandResponseSchema.parse(submitted.body).id;
    await context.redis.hset(keys.queueIndex(clusterId), id, notJson);
    expect((await finalRecord(id)).status).toBe('succeeded');
    await withWrongType(keys.queueIndex(clusterId), async () => {
      const refused = await runCommand(`pod-${randomUUID()}`);
      expect([refused.status, code(refused)]).toEqual([503, 'backend_unavailable']);
    });
  },
  queues: async () => {
    await context.redis.sadd(keys.queues, tooLongId);
    // The orphan reaper walks this set every few seconds: it reports the member and goes on.
    await context.server.process.waitForLog((line) => line.key === keys.queues && line.kind === 'bad_record');
    await context.redis.srem(keys.queues, tooLongId);
    await withWrongType(keys.queues, async () => {
      const refused = await runCommand(`pod-${randomUUID()}`);
      expect([refused.status, code(refused)]).toEqual([503, 'backend_unavailable']);
    });
    await context.redis.sadd(keys.queues, clusterId);
  },
  command: async () => {
    const done = commandResponseSchema.parse((await runCommand(`pod-${randomUUID()}`)).body).id;
    await context.redis.hset(keys.command(done), 'origin', notJson);
    expect(code(await api().get(`/v1/commands/${done}`))).toBe('command_not_found');
    await withWrongType(keys.command(done), async () => {
      expect(code(await api().get(`/v1/commands/${done}`))).toBe('command_not_found');
    });
    // A record spoiled while its command runs: its result is refused (404), its caller gets the deadline's error.
    const marker = `pod-${randomUUID()}`;
    const waiting = api().post('/v1/commands', {
      clusterId,
      args: ['get', 'pods', 'fake-sleep-2', marker],
      timeoutSeconds: 4,
    });
    const ran = await eventually(() => context.kubectl.invocations().find((i) => i.argv.includes(marker)));
    expect(ran).toBeDefined();
    const id = await eventually(async () => {
      for (const key of await context.redis.keys(`${prefix}command:*`)) {
        if ((await context.redis.hget(key, 'command'))?.includes(marker)) return key;
      }
      return undefined;
    });
    await context.redis.hset(id, 'command', notJson);
    const answer = await waiting;
    expect([answer.status, code(answer)]).toEqual([504, 'command_timeout']);
  },
  commandExpiry: async () => {
    await context.redis.zadd(keys.commandExpiry, 0, tooLongId, 0, 'ghost');
    await expectCommandWorks();
    await withWrongType(keys.commandExpiry, async () => {
      const refused = await runCommand(`pod-${randomUUID()}`);
      expect([refused.status, code(refused)]).toEqual([503, 'backend_unavailable']);
    });
  },
  session: async () => {
    const opened = sessionSchema.parse((await api().post('/v1/sessions', { clusterId })).body);
    await context.redis.set(keys.session(opened.id), notJson, 'KEEPTTL');
    expect(code(await api().get(`/v1/sessions/${opened.id}`))).toBe('session_not_found');
    expect(code(await runCommand('pods', { sessionId: opened.id }))).toBe('session_not_found');
    await withWrongType(
      keys.session(opened.id),
      async () => {
        expect(code(await api().get(`/v1/sessions/${opened.id}`))).toBe('session_not_found');
      },
      true,
    );
  },
  clusterSessions: async () => {
    await addCluster('doomed-sessions');
    await context.redis.sadd(keys.clusterSessions('doomed-sessions'), tooLongId);
    expect((await api().delete('/v1/clusters/doomed-sessions')).status).toBe(204);
    await addCluster('doomed-sessions-type');
    await withWrongType(keys.clusterSessions('doomed-sessions-type'), async () => {
      expect(code(await api().delete('/v1/clusters/doomed-sessions-type'))).toBe('backend_unavailable');
    });
    expect((await api().delete('/v1/clusters/doomed-sessions-type')).status).toBe(204);
  },
  sessionExpiry: async () => {
    await context.redis.zadd(keys.sessionExpiry, 0, tooLongId);
    // Housekeeping (every second) takes the member out and reports it.
    await eventually(async () =>
      (await context.redis.zscore(keys.sessionExpiry, tooLongId)) === null ? true : undefined,
    );
    await withWrongType(keys.sessionExpiry, async () => {
      expect(code(await api().post('/v1/sessions', { clusterId }))).toBe('backend_unavailable');
    });
  },
  audit: async () => {
    await context.redis.xadd(keys.audit, '*', 'r', notJson);
    await context.redis.xadd(keys.audit, '*', 'x', 'y');
    await context.redis.xadd(keys.audit, '*', 'r', '{"id":"a","outcome":"maybe"}');
    const listed = await api().get(`/v1/audit?clusterId=${clusterId}`);
    expect(listed.status).toBe(200);
    expect((listed.body as { records: unknown[] }).records.length).toBeGreaterThan(0);
    await withWrongType(keys.audit, async () => {
      const empty = await api().get('/v1/audit');
      expect([empty.status, empty.body]).toEqual([200, { records: [] }]);
      await expectCommandWorks();
    });
  },
  events: async () => {
    const messages = [
      notJson,
      'null',
      '[]',
      '"text"',
      '{}',
      '{"type":"finished","from":"other","record":"garbage {not json"}',
      '{"type":"finished","from":"other","record":"{}"}',
      '{"type":"finished","from":"other","record":"{\\"command\\":{\\"id\\":1}}"}',
      '{"type":"finished","from":"other","record":42}',
      `{"type":"enqueued","from":"other","clusterId":"${tooLongId}"}`,
      '{"type":"enqueued","from":"other"}',
    ];
    for (const message of messages) await context.redis.publish(keys.events, message);
    await context.server.process.waitForLog(
      (line) => line.key === keys.events && line.kind === 'bad_message',
    );
    await expectCommandWorks();
  },
  agentTask: async () => {
    const id = await storedTask();
    await context.redis.set(keys.agentTask(owner, id), notJson, 'KEEPTTL');
    await expect(getTask(id)).rejects.toThrow(/not found/i);
    await context.redis.set(keys.agentTask(owner, id), '{"id":"other","contextId":"c"}', 'KEEPTTL');
    await expect(getTask(id)).rejects.toThrow(/not found/i);
    await withWrongType(
      keys.agentTask(owner, id),
      async () => {
        await expect(getTask(id)).rejects.toThrow(/not found/i);
      },
      true,
    );
  },
  ownerTasks: async () => {
    const id = await storedTask();
    await context.redis.zadd(keys.ownerTasks(owner), Date.now(), 'ghost', Date.now(), tooLongId);
    expect(await listTaskIds()).toContain(id);
    expect(await listTaskIds()).not.toContain('ghost');
    await withWrongType(keys.ownerTasks(owner), async () => {
      await expect(listTaskIds()).rejects.toThrow();
    });
  },
  agentTaskEvents: async () => {
    for (const message of [notJson, '{"type":"cancel","from":"other"}', '{"type":"cancel","taskId":7}'])
      await context.redis.publish(keys.agentTaskEvents, message);
    await context.server.process.waitForLog(
      (line) => line.key === keys.agentTaskEvents && line.kind === 'bad_message',
    );
  },
  agentTaskEventChannel: async () => {
    // Read only while a SubscribeToTask for a task of another replica is open (one replica here):
    // the listener path is covered in apps/server/test/state/redis-bad-records.int.test.ts.
    await context.redis.publish(keys.agentTaskEventChannel('ghost'), notJson);
  },
  conversation: async () => {
    // Read only by the agent with a model configured (none here): covered in the same in-process test.
    await context.redis.rpush(keys.conversation(`${owner}\u0000ctx`), notJson);
  },
  capabilities: async () => {
    // The executor's own report spoiled: it counts as no report (readOnly pre-check); then restored.
    const key = keys.capabilities(clusterId);
    const reports = await context.redis.hgetall(key);
    const [executorId] = Object.keys(reports);
    expect(executorId).toBeDefined();
    await context.redis.hset(key, executorId ?? '', notJson, 'ghost', '{"mode":"fullAccess"}');
    const listed = await api().get(`/v1/clusters/${clusterId}`);
    expect(listed.status).toBe(200);
    await expectCommandWorks();
    await withWrongType(key, async () => {
      expect((await api().get(`/v1/clusters/${clusterId}`)).status).toBe(200);
      await expectCommandWorks();
    });
    await context.redis.hset(key, reports);
  },
  quotaSlots: async () => {
    await context.redis.zadd(keys.quotaSlots(owner), 0, tooLongId, Date.now() + 60_000, 'ghost');
    await expectCommandWorks();
    await context.redis.zrem(keys.quotaSlots(owner), 'ghost');
    await withWrongType(keys.quotaSlots(owner), async () => {
      const refused = await runCommand(`pod-${randomUUID()}`);
      expect([refused.status, code(refused)]).toEqual([503, 'backend_unavailable']);
    });
    await expectCommandWorks();
  },
  quotaResults: async () => {
    await context.redis.zadd(keys.quotaResults(owner), 0, 'ghost', 0, tooLongId);
    await expectCommandWorks();
    await withWrongType(keys.quotaResults(owner), async () => {
      const refused = await runCommand(`pod-${randomUUID()}`);
      expect([refused.status, code(refused)]).toEqual([503, 'backend_unavailable']);
    });
    await expectCommandWorks();
  },
  quotaResultBytes: async () => {
    // A sum that is not a number is dropped and counts as 0; commands and their results still go.
    await context.redis.hset(keys.quotaResultBytes(owner), '#sum', notJson, 'ghost', notJson);
    await expectCommandWorks();
    await expectCommandWorks();
    await withWrongType(keys.quotaResultBytes(owner), async () => {
      const refused = await runCommand(`pod-${randomUUID()}`);
      expect([refused.status, code(refused)]).toEqual([503, 'backend_unavailable']);
    });
    await expectCommandWorks();
  },
  quotaAllResults: async () => {
    await context.redis.zadd(keys.quotaAllResults, 0, 'ghost', 0, tooLongId);
    await expectCommandWorks();
    await withWrongType(keys.quotaAllResults, async () => {
      const refused = await runCommand(`pod-${randomUUID()}`);
      expect([refused.status, code(refused)]).toEqual([503, 'backend_unavailable']);
    });
    await expectCommandWorks();
  },
  quotaAllResultBytes: async () => {
    await context.redis.hset(keys.quotaAllResultBytes, '#sum', notJson, 'ghost', notJson);
    await expectCommandWorks();
    await expectCommandWorks();
    await withWrongType(keys.quotaAllResultBytes, async () => {
      const refused = await runCommand(`pod-${randomUUID()}`);
      expect([refused.status, code(refused)]).toEqual([503, 'backend_unavailable']);
    });
    await expectCommandWorks();
  },
  apiKey: async () => {
    // A managed key works; its record spoiled (field, then type), it reads as absent: 401.
    const identity = `spoiled-${randomUUID().slice(0, 8)}`;
    const issued = await api().post('/v1/keys', { identity, role: 'viewer' });
    expect(issued.status).toBe(201);
    const managed = api().withKey((issued.body as { key: string }).key);
    expect((await managed.get('/v1/clusters')).status).toBe(200);
    await context.redis.hset(keys.apiKey(identity), 'record', notJson);
    expect((await managed.get('/v1/clusters')).status).toBe(401);
    expect((await api().get('/v1/keys')).status).toBe(200);
    await withWrongType(keys.apiKey(identity), async () => {
      expect((await managed.get('/v1/clusters')).status).toBe(401);
      expect((await api().get('/v1/keys')).status).toBe(200);
    });
    await context.redis.srem(keys.apiKeys, identity);
  },
  apiKeys: async () => {
    await context.redis.sadd(keys.apiKeys, tooLongId, 'ghost');
    const listed = await api().get('/v1/keys');
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain('ghost');
    await context.redis.srem(keys.apiKeys, tooLongId, 'ghost');
    await withWrongType(keys.apiKeys, async () => {
      const refused = await api().get('/v1/keys');
      expect([refused.status, code(refused)]).toEqual([503, 'backend_unavailable']);
    });
  },
  rateBucket: async () => {
    // Fields that are not numbers read as a full bucket; a key of another type is backend_unavailable.
    const bucket = keys.rateBucket(`identity:${owner}`);
    await context.redis.hset(bucket, 'tokens', notJson, 'at', 'yesterday');
    expect((await api().get('/v1/clusters')).status).toBe(200);
    await withWrongType(bucket, async () => {
      const refused = await api().get('/v1/clusters');
      expect([refused.status, code(refused)]).toEqual([503, 'backend_unavailable']);
    });
    expect((await api().get('/v1/clusters')).status).toBe(200);
  },
  findings: async () => {
    // A record that is not JSON or not a finding reads as absent; a key of another type lists nothing.
    await context.redis.sadd(keys.findingClusters, clusterId);
    await context.redis.hset(keys.findings(clusterId), 'ghost', notJson, 'odd', '{"fingerprint":1}');
    const listed = await api().get(`/v1/findings?cluster=${clusterId}`);
    expect([listed.status, listed.body]).toEqual([200, { findings: [] }]);
    await withWrongType(keys.findings(clusterId), async () => {
      expect((await api().get('/v1/findings')).body).toEqual({ findings: [] });
    });
  },
  findingClusters: async () => {
    await context.redis.sadd(keys.findingClusters, 'ghost');
    expect((await api().get('/v1/findings')).status).toBe(200);
    await withWrongType(keys.findingClusters, async () => {
      const refused = await api().get('/v1/findings');
      expect([refused.status, code(refused)]).toEqual([503, 'backend_unavailable']);
    });
  },
  watchClaim: async () => {
    // Read only by the watch loop (not configured here): the claim script's WRONGTYPE is a backend
    // error the loop logs and retries (apps/server/test/watch covers the loop).
    await context.redis.hset(keys.watchClaim(clusterId), 'garbage', notJson);
    await context.redis.del(keys.watchClaim(clusterId));
  },
  deadLetters: async () => {
    await context.redis.lpush(keys.deadLetters, notJson, '{"sink":1}');
    const listed = await api().get('/v1/findings/dead-letters');
    expect([listed.status, listed.body]).toEqual([200, { deadLetters: [] }]);
    await withWrongType(keys.deadLetters, async () => {
      const refused = await api().get('/v1/findings/dead-letters');
      expect([refused.status, code(refused)]).toEqual([503, 'backend_unavailable']);
    });
  },
  apiKeyHash: async () => {
    const key = `kbk_${randomUUID()}`;
    const index = keys.apiKeyHash(createHash('sha256').update(key).digest('hex'));
    await context.redis.set(index, tooLongId);
    expect((await api().withKey(key).get('/v1/clusters')).status).toBe(401);
    await withWrongType(
      index,
      async () => {
        expect((await api().withKey(key).get('/v1/clusters')).status).toBe(401);
      },
      true,
    );
  },
};

describe('Redis: garbage in every key and channel the server reads', () => {
  beforeAll(async () => {
    privateRedis = await createPrivateRedis();
    await privateRedis.start();
    const server = await startServer({
      KUBENTLY_REDIS_URL: privateRedis.url,
      KUBENTLY_REDIS_PREFIX: prefix,
      // Generous: only so the admin's requests read and write a token bucket (the rateBucket case).
      KUBENTLY_RATE_LIMITS: 'admin=1000000',
      // Several cases answer 401 on purpose (garbage token and key indexes); the auth-failure guard
      // would refuse this source after ten of them, which is not what these cases test.
      KUBENTLY_AUTH_FAILURE_LIMIT: '1000',
      NODE_OPTIONS: '--unhandled-rejections=strict',
    });
    const token = await server.api.addCluster(clusterId);
    const kubectl = createFakeKubectl();
    await connectExecutor(server, { clusterId, token, kubectl, env: { KUBENTLY_MAX_BACKOFF_SECONDS: '1' } });
    context = { redis: new Redis(privateRedis.url), server, kubectl };
    // The executor reports its capabilities once its first API server check has ended: the cases
    // start from that steady state (some of them spoil the presence a later report would need).
    await eventually(async () =>
      Object.keys(await context.redis.hgetall(keys.capabilities(clusterId))).length > 0 ? true : undefined,
    );
  });

  afterAll(async () => {
    const badLines = context.server.process.logLines().filter((line) => typeof line.kind === 'string');
    console.info(
      JSON.stringify(
        badLines.map((line) => ({
          kind: line.kind,
          entity: line.entity,
          key: line.key,
          problem: line.problem,
        })),
      ),
    );
    context.redis.disconnect();
    await stopAll();
    await privateRedis.stop();
  });

  it('has a case for every key RedisKeys names', () => {
    const named = Object.keys(createRedisKeys('p:')).filter((name) => name !== 'prefix');
    expect(Object.keys(cases).sort()).toEqual(named.sort());
  });

  for (const [name, exercise] of Object.entries(cases)) {
    it(`${name}: every call answers definitely and the server stays up`, async () => {
      await exercise();
      const { child } = context.server.process;
      expect([child.exitCode, child.signalCode]).toEqual([null, null]);
      expect((await api().get('/healthz')).status).toBe(200);
      expect(context.server.process.output()).not.toMatch(/unhandled ?rejection|uncaught/i);
      // The log names the key, never the stored value.
      expect(context.server.process.output()).not.toContain(notJson);
    });
  }

  it('still runs commands after all of it', async () => {
    await expectCommandWorks();
  });
});
