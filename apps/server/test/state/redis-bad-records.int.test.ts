import { Writable } from 'node:stream';

import { TaskState } from '@a2a-js/sdk';
import { errorBodySchema } from '@kubently/protocol';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { createBackendErrorCounter } from '../../src/state/backend-error-counter.js';
import { BadDataReporter } from '../../src/state/redis/bad-data-reporter.js';
import type { CommandRecord } from '../../src/state/command-store.js';
import type { RedisStateStore } from '../../src/state/redis/create-redis-state.js';
import { RedisConversationStore } from '../../src/state/redis/redis-conversation-store.js';
import { createRedisKeys } from '../../src/state/redis/redis-keys.js';
import type { RedisKeys } from '../../src/state/redis/redis-keys.js';
import { makeCommand, makeResult } from '../support/commands.js';
import { createTestServer } from '../support/test-server.js';
import { redisTestStates, redisUrl } from './redis/redis-test-state.js';

import { z } from 'zod';

/** A JSON log line as pino writes it. */
const logLineSchema = z.record(z.string(), z.unknown());

/**
 * What the Redis backend does with data it did not write: every value read is parsed with its
 * schema, a bad one is counted, logged once by key (never by value) and read as absent, and a
 * malformed pub/sub message is dropped inside the listener. Real Redis (the machine's, one key
 * prefix per state); any exception escaping into ioredis or any unhandled rejection fails the file.
 */

const states = redisTestStates();
const raw = new Redis(redisUrl);
const origin = { identity: 'alice', role: 'operator', source: 'rest' } as const;
/** Looks like command output: it must never reach the log. */
const secret = 'SECRET-OUTPUT-3f9a';

const escaped: unknown[] = [];
const onEscape = (error: unknown): void => {
  escaped.push(error);
};
beforeAll(() => {
  process.on('unhandledRejection', onEscape);
  process.on('uncaughtException', onEscape);
});
afterEach(() => {
  expect(escaped).toEqual([]);
});
afterAll(async () => {
  process.off('unhandledRejection', onEscape);
  process.off('uncaughtException', onEscape);
  raw.disconnect();
  await states.cleanup();
});

/** A state whose log lines are kept. */
const loggedState = async (
  prefix = states.newPrefix(),
): Promise<{ state: RedisStateStore; keys: RedisKeys; lines: Record<string, unknown>[] }> => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line !== '') lines.push(logLineSchema.parse(JSON.parse(line)));
      done();
    },
  });
  const state = await states.create({ prefix, logger: pino({ level: 'info' }, sink) });
  return { state, keys: createRedisKeys(prefix), lines };
};

/** Resolves once `check` holds (the subscriber delivers asynchronously). */
const until = async (check: () => boolean): Promise<void> => {
  for (let attempt = 0; attempt < 200 && !check(); attempt += 1)
    await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
};

describe('Redis backend: data it did not write', () => {
  it('a command record that fails its schema reads as absent: counted each time, logged once by key, never by value', async () => {
    const { state, keys, lines } = await loggedState();
    await state.commands.create(makeCommand('c1'), origin);
    await raw.hset(keys.command('c1'), 'result', `{"stdout":"${secret}"`);
    expect(await state.commands.get('c1')).toBeNull();
    expect(await state.commands.get('c1')).toBeNull();
    await raw.hset(keys.command('c2'), 'status', 'queued');
    expect(await state.commands.get('c2')).toBeNull();
    await raw.del(keys.command('c3'));
    await raw.set(keys.command('c3'), secret);
    expect(await state.commands.get('c3')).toBeNull();
    expect(await state.commands.get('never-written')).toBeNull();

    expect(state.errors.count('bad_record', 'command')).toBe(4);
    const logged = lines.filter((line) => line.kind === 'bad_record');
    expect(logged.map((line) => line.key)).toEqual([
      keys.command('c1'),
      keys.command('c2'),
      keys.command('c3'),
    ]);
    expect(logged[0]).toMatchObject({ entity: 'command', problem: 'result: not JSON' });
    expect(JSON.stringify(lines)).not.toContain(secret);
  });

  it('a malformed message on the events channel is dropped inside the listener; good ones still arrive', async () => {
    const { state: a, keys } = await loggedState();
    const { state: b, lines } = await loggedState(keys.prefix);
    const heard: CommandRecord[] = [];
    b.commands.onFinished((record) => heard.push(record));
    const channel = keys.events;
    const bad = [
      'garbage {not json',
      'null',
      '{"type":"finished","from":"x","record":"{}"}',
      '{"type":"finished","from":"x","record":"not json"}',
      '{"type":"finished","from":"x"}',
      '{"type":"enqueued","from":"x","clusterId":7}',
    ];
    for (const message of bad) await raw.publish(channel, message);
    await a.commands.create(makeCommand('c1'), origin);
    await a.commands.acknowledge('c1', makeResult('c1'), Date.now());
    await until(() => heard.length === 1);
    expect(heard[0]?.command.id).toBe('c1');
    expect(b.errors.count('bad_message', 'events')).toBe(bad.length);
    expect(lines.filter((line) => line.kind === 'bad_message')).toHaveLength(1);
  });

  it('a listener that throws is counted and dropped; the other listeners still hear the event', async () => {
    const { state } = await loggedState();
    const heard: string[] = [];
    state.commands.onFinished(() => {
      throw new Error('listener bug');
    });
    state.commands.onFinished((record) => heard.push(record.command.id));
    await state.commands.create(makeCommand('c1'), origin);
    const outcome = await state.commands.acknowledge('c1', makeResult('c1'), Date.now());
    expect(outcome?.finished).toBe(true);
    expect(heard).toEqual(['c1']);
    expect(state.errors.count('listener_failed')).toBe(1);
  });

  it('queue entries that are no command of the cluster are never handed out, and leave the stream', async () => {
    const { state, keys } = await loggedState();
    await state.queue.enqueue(makeCommand('first', 'prod'));
    await raw.xadd(keys.queue('prod'), '*', 'i', 'x', 'c', 'garbage');
    await raw.xadd(keys.queue('prod'), '*', 'just', 'fields');
    await raw.xadd(
      keys.queue('prod'),
      '*',
      'i',
      'other',
      'c',
      JSON.stringify(makeCommand('other', 'staging')),
    );
    await state.queue.enqueue(makeCommand('last', 'prod'));
    const claimed = [
      ...(await state.queue.claim('prod', 'ex', 1)),
      ...(await state.queue.claim('prod', 'ex', 1)),
      ...(await state.queue.claim('prod', 'ex', 1)),
    ];
    expect(claimed.map((command) => command.id)).toEqual(['first', 'last']);
    expect(await state.queue.depth('prod')).toEqual({ queued: 0, pending: 2 });
    expect(state.errors.count('bad_record', 'queue')).toBe(3);
    await raw.hset(keys.queueIndex('prod'), 'first', 'not-an-entry-id');
    expect(await state.queue.ack('prod', 'first')).toBe(false);
    expect(state.errors.count('bad_record', 'queue')).toBe(4);
  });

  it('a key record written before service identity allowlists (no field) still reads, allowing any', async () => {
    const { state, keys } = await loggedState();
    const legacy = { role: 'viewer', clusters: null, createdAt: 1, expiresAt: null, hashes: [] };
    await raw.hset(keys.apiKey('old'), 'record', JSON.stringify(legacy));
    expect(await state.keys.get('old')).toMatchObject({
      identity: 'old',
      role: 'viewer',
      serviceIdentities: null,
    });
    expect(state.errors.count('bad_record', 'api-key')).toBe(0);
  });

  it('the sweep removes a record whose expiry is unreadable, and skips ids that are no record', async () => {
    const { state, keys } = await loggedState();
    await raw.hset(keys.command('bad'), 'expiresAt', 'soon');
    await raw.zadd(keys.commandExpiry, 0, 'bad', 0, 'never-written');
    expect(await state.commands.sweep()).toBe(1);
    expect(await raw.exists(keys.command('bad'))).toBe(0);
  });

  it('sessions, clusters, tokens, presence, audit entries and agent tasks that fail their schema read as absent', async () => {
    const { state, keys } = await loggedState();
    await raw.set(keys.session('s1'), '{"id":"s1"}');
    expect(await state.sessions.get('s1')).toBeNull();
    await raw.hset(keys.cluster('prod'), 'createdAt', '1', 'tokens', '[{"hash":7}]');
    expect(await state.clusters.get('prod')).toBeNull();
    await raw.set(keys.token('abc'), '{not a cluster id}');
    expect(await state.clusters.findByTokenHash('abc')).toBeNull();
    await raw.hset(keys.presence('prod'), 'ex', '{"connected":1}');
    expect(await state.clusters.listPresence('prod')).toEqual([]);
    await raw.xadd(keys.audit, '*', 'r', `{"stdout":"${secret}"}`);
    expect(await state.audit.query({ limit: 10 })).toEqual([]);
    await raw.set(keys.agentTask('alice', 't1'), '{"id":"t1"}');
    await raw.zadd(keys.ownerTasks('alice'), 1, 't1');
    expect(await state.tasks.load('alice', 't1')).toBeNull();
    const listed = await state.tasks.list('alice', {
      tenant: '',
      contextId: '',
      status: TaskState.TASK_STATE_UNSPECIFIED,
      pageToken: '',
      statusTimestampAfter: undefined,
      includeArtifacts: false,
    });
    expect(listed.tasks).toEqual([]);
    for (const entity of ['session', 'cluster', 'token', 'presence', 'audit', 'agent-task'])
      expect(state.errors.count('bad_record', entity)).toBeGreaterThan(0);
  });

  it('relayed task events and cancel requests that fail their shape are dropped; valid ones arrive', async () => {
    const { state, keys } = await loggedState();
    const events: unknown[] = [];
    const unsubscribe = await state.tasks.subscribeEvents('t1', (event) => events.push(event));
    const cancels: string[] = [];
    state.tasks.onCancelRequested((taskId) => cancels.push(taskId));
    const good = { kind: 'statusUpdate', data: { taskId: 't1', contextId: 'c', status: { state: 2 } } };
    for (const message of ['garbage', '{"kind":"statusUpdate","data":{"taskId":3}}', JSON.stringify(good)])
      await raw.publish(keys.agentTaskEventChannel('t1'), message);
    for (const message of [
      'garbage',
      '{"type":"cancel","from":"x"}',
      '{"type":"cancel","from":"x","taskId":"t2"}',
    ])
      await raw.publish(keys.agentTaskEvents, message);
    await until(() => events.length === 1 && cancels.length === 1);
    expect(events).toEqual([good]);
    expect(cancels).toEqual(['t2']);
    expect(state.errors.count('bad_message', 'agent-task-events')).toBe(4);
    await unsubscribe();
  });

  it('a conversation keeps only what follows its last malformed message, from the next user message on', async () => {
    const errors = createBackendErrorCounter();
    const keys = createRedisKeys(states.newPrefix());
    const store = new RedisConversationStore({
      client: raw,
      keys,
      maxMessages: 50,
      ttlMs: 60_000,
      reporter: new BadDataReporter({ logger: pino({ level: 'silent' }), errors }),
    });
    const messages = [
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first answer' },
      'garbage',
      { role: 'assistant', content: 'orphaned tail of the broken turn' },
      { role: 'user', content: 'second question' },
      { role: 'assistant', content: 'second answer' },
    ];
    await raw.rpush(
      keys.conversation('c1'),
      ...messages.map((message) => (typeof message === 'string' ? message : JSON.stringify(message))),
    );
    expect(await store.load('c1')).toEqual(messages.slice(4));
    expect(errors.count('bad_record', 'conversation')).toBe(1);
  });
});

describe('Redis backend: a failed enqueue', () => {
  it('answers 503 backend_unavailable with the command id, ends the record, and leaves no timer or waiter behind', async () => {
    const prefix = states.newPrefix();
    const state = await states.create({ prefix });
    const keys = createRedisKeys(prefix);
    const server = createTestServer({}, { state });
    try {
      await state.clusters.create({ id: 'prod', createdAt: 1, tokens: [] });
      // The queue index is written by the enqueue only (the queue-depth limit reads the stream).
      await raw.set(keys.queueIndex('prod'), 'not a hash');
      const answer = await server.call('POST', '/v1/commands', {
        body: { clusterId: 'prod', args: ['get', 'pods'], timeoutSeconds: 1 },
      });
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      const error = errorBodySchema.parse(await answer.json()).error;
      expect(error.code).toBe('backend_unavailable');
      expect(error.message).toMatch(/WRONGTYPE/);
      const commandId = String(error.details?.commandId);
      const record = await eventuallyRecord(state, commandId);
      expect(record?.status).toBe('failed');
      expect(record?.failure?.message).toMatch(/withdrawn/);
      // The caller's deadline (1 s) and executor grace pass: on the old code a timer then rejected
      // the abandoned waiter and nothing handled it (afterEach checks no rejection escaped).
      await new Promise((resolve) => setTimeout(resolve, 1500));
    } finally {
      await server.services.close();
    }
  });
});

const eventuallyRecord = async (state: RedisStateStore, id: string): Promise<CommandRecord | null> => {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const record = await state.commands.get(id);
    if (record?.status === 'failed') return record;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return state.commands.get(id);
};
