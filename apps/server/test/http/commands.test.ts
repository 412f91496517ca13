import { afterEach, describe, expect, it } from 'vitest';

import type { AuditList, CommandResponse, ErrorBody } from '@kubently/protocol';

import { KubentlyError } from '../../src/errors/kubently-error.js';
import { createMemoryState } from '../../src/state/memory/create-memory-state.js';
import type { StateStore } from '../../src/state/state-store.js';
import { systemClock } from '../../src/support/clock.js';
import { createTestServer, tick } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

let server: TestServer;

afterEach(async () => {
  await server.close();
});

const run = (body: Record<string, unknown>, query = '') =>
  server.call('POST', `/v1/commands${query}`, { as: 'operator', body: { clusterId: 'prod', ...body } });

describe('POST /v1/commands', { timeout: 20_000 }, () => {
  it('relays a command to the executor and answers with its result', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster());
    const pending = run({ args: ['get', 'pods'], namespace: 'web' }, '');
    const command = await executor.nextCommand();
    expect(command.args).toEqual(['get', 'pods', '--namespace=web']);
    expect((await executor.postResult(command.id, { stdout: 'pod-1 Running' })).status).toBe(200);
    const response = await pending;
    expect(response.status).toBe(200);
    const body = (await response.json()) as CommandResponse;
    expect(body).toMatchObject({
      id: command.id,
      status: 'succeeded',
      exitCode: 0,
      stdout: 'pod-1 Running',
      clusterId: 'prod',
    });
    expect(response.headers.get('x-correlation-id')).toBe(command.correlationId);
  });

  it('tokenizes a command string and reports a non-zero exit as failed, not as an HTTP error', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster());
    const pending = run({ command: 'get pods -l "app=web"' });
    const command = await executor.nextCommand();
    expect(command.args).toEqual(['get', 'pods', '-l', 'app=web']);
    await executor.postResult(command.id, { exitCode: 1, stdout: '', stderr: 'error: not found' });
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'failed',
      exitCode: 1,
      stderr: 'error: not found',
    });
  });

  it('refuses a command the policy denies with 422, sends nothing and audits the denial', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster());
    const response = await run({ args: ['delete', 'pod', 'web-1'] });
    expect(response.status).toBe(422);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('policy_denied');
    expect(body.error.message).toContain('delete');
    expect(await server.services.state.queue.depth('prod')).toEqual({ queued: 0, pending: 0 });
    await expect(executor.reader.nextFrame(300)).rejects.toThrow('no SSE event in time');
    const audit = (await (await server.call('GET', '/v1/audit?clusterId=prod')).json()) as AuditList;
    expect(audit.records[0]).toMatchObject({
      decision: 'denied',
      outcome: 'denied',
      identity: 'oncall',
      argv: ['delete', 'pod', 'web-1'],
    });
  });

  it('answers 404 cluster_not_found for an unknown cluster', async () => {
    server = createTestServer();
    const response = await run({ clusterId: 'nowhere', args: ['get', 'pods'] });
    expect(response.status).toBe(404);
    expect(((await response.json()) as ErrorBody).error.code).toBe('cluster_not_found');
  });

  it('answers 503 executor_unavailable after the grace and never delivers the command later', async () => {
    server = createTestServer({ executorGraceMs: 100 });
    const token = await server.createCluster();
    const response = await run({ args: ['get', 'pods'] });
    expect(response.status).toBe(503);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('executor_unavailable');
    const executor = await server.connectExecutor(token);
    await expect(executor.reader.nextFrame(300)).rejects.toThrow('no SSE event in time');
    const commandId = body.error.details?.['commandId'] as string;
    expect(await (await server.call('GET', `/v1/commands/${commandId}`)).json()).toMatchObject({
      status: 'failed',
      failure: { code: 'executor_error' },
    });
  });

  it('delivers a command queued before the executor connects, within the grace', async () => {
    server = createTestServer({ executorGraceMs: 3000 });
    const token = await server.createCluster();
    const pending = run({ args: ['get', 'nodes'] });
    await tick(50);
    const executor = await server.connectExecutor(token);
    const command = await executor.nextCommand();
    await executor.postResult(command.id);
    expect((await pending).status).toBe(200);
  });

  it('answers 504 command_timeout; a late result is acked but the command stays failed', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster());
    const pending = run({ args: ['get', 'pods'], timeoutSeconds: 1 });
    const command = await executor.nextCommand();
    const response = await pending;
    expect(response.status).toBe(504);
    expect(((await response.json()) as ErrorBody).error.code).toBe('command_timeout');
    const late = await executor.postResult(command.id);
    expect(await late.json()).toEqual({ accepted: true, commandId: command.id, duplicate: false });
    expect(await (await server.call('GET', `/v1/commands/${command.id}`)).json()).toMatchObject({
      status: 'failed',
      failure: { code: 'command_timeout' },
    });
    const audit = (await (await server.call('GET', '/v1/audit')).json()) as AuditList;
    expect(audit.records.map((record) => record.outcome)).toEqual(['timeout']);
  });

  it('bounds the wait by X-Request-Timeout and rejects an invalid one', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster());
    const pending = server.call('POST', '/v1/commands', {
      as: 'operator',
      body: { clusterId: 'prod', args: ['get', 'pods'], timeoutSeconds: 120 },
      headers: { 'x-request-timeout': '1' },
    });
    const command = await executor.nextCommand();
    const response = await pending;
    expect(response.status).toBe(504);
    expect(((await response.json()) as ErrorBody).error.details).toMatchObject({
      commandId: command.id,
      timeoutSeconds: 1,
    });
    const invalid = await server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get', 'pods'] },
      headers: { 'x-request-timeout': 'soon' },
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as ErrorBody).error.message).toContain('X-Request-Timeout');
  });

  it('with ?wait=false answers 202 queued, then GET shows running and the result', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster());
    const response = await run({ args: ['get', 'pods'] }, '?wait=false');
    expect(response.status).toBe(202);
    const queued = (await response.json()) as CommandResponse;
    expect(queued.status).toBe('queued');
    const command = await executor.nextCommand();
    expect(command.id).toBe(queued.id);
    expect(await (await server.call('GET', `/v1/commands/${queued.id}`)).json()).toMatchObject({
      status: 'running',
    });
    await executor.postResult(command.id, { stdout: 'later' });
    expect(await (await server.call('GET', `/v1/commands/${queued.id}`)).json()).toMatchObject({
      status: 'succeeded',
      stdout: 'later',
    });
    expect((await server.call('GET', '/v1/commands/unknown-id')).status).toBe(404);
  });

  it('rejects a session of another cluster or an unknown session with 404 session_not_found', async () => {
    server = createTestServer();
    await server.createCluster('prod');
    await server.createCluster('staging');
    const session = (await (
      await server.call('POST', '/v1/sessions', { body: { clusterId: 'staging' } })
    ).json()) as { id: string };
    for (const sessionId of [session.id, 'missing']) {
      const response = await run({ args: ['get', 'pods'], sessionId });
      expect(response.status).toBe(404);
      expect(((await response.json()) as ErrorBody).error.code).toBe('session_not_found');
    }
  });
});

/** The memory state whose queue refuses every enqueue, as Redis does when it is away. */
const stateWithBrokenQueue = (): StateStore => {
  const state = createMemoryState({ clock: systemClock, resultTtlMs: 60_000, auditMaxRecords: 100 });
  const queue = new Proxy(state.queue, {
    get(target, property) {
      if (property === 'enqueue')
        return () =>
          Promise.reject(
            new KubentlyError('backend_unavailable', 'the state backend is unreachable; retry shortly'),
          );
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { ...state, queue };
};

describe('a command that cannot be queued', { timeout: 20_000 }, () => {
  it.each([
    ['waited', ''],
    ['not waited', '?wait=false'],
  ])(
    '%s: answers the queue error, ends the command as never sent and frees its slot',
    async (_name, query) => {
      const state = stateWithBrokenQueue();
      server = createTestServer({}, { state });
      await server.createCluster();
      const response = await run({ args: ['get', 'pods'] }, query);
      expect(response.status).toBe(503);
      expect(((await response.json()) as ErrorBody).error.code).toBe('backend_unavailable');
      const [audit] = await state.audit.query({ limit: 10 });
      expect(audit).toMatchObject({ outcome: 'unavailable', identity: 'oncall' });
      const record = await state.commands.get(audit?.commandId ?? '');
      expect(record).toMatchObject({ status: 'failed', failure: { code: 'executor_error' } });
      expect(record?.failure?.message).toMatch(/could not be queued, so it was not sent/);
      expect((await state.quotas.usage('oncall')).inFlight).toBe(0);
    },
  );
});

describe('POST /v1/executor/results', { timeout: 20_000 }, () => {
  it('acks once: a second result is a duplicate and the first stands', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster());
    const pending = run({ args: ['get', 'pods'] });
    const command = await executor.nextCommand();
    await executor.postResult(command.id, { stdout: 'first' });
    const second = await executor.postResult(command.id, { stdout: 'second' });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ accepted: true, commandId: command.id, duplicate: true });
    expect(await (await pending).json()).toMatchObject({ stdout: 'first' });
    expect(await (await server.call('GET', `/v1/commands/${command.id}`)).json()).toMatchObject({
      stdout: 'first',
    });
  });

  it('answers 404 for an unknown command and 403 for a command of another cluster', async () => {
    server = createTestServer();
    const prod = await server.connectExecutor(await server.createCluster('prod'));
    const staging = await server.connectExecutor(await server.createCluster('staging'));
    expect((await prod.postResult('no-such-command')).status).toBe(404);
    const pending = run({ args: ['get', 'pods'] });
    const command = await prod.nextCommand();
    const foreign = await staging.postResult(command.id);
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as ErrorBody).error.code).toBe('forbidden');
    await prod.postResult(command.id);
    expect((await pending).status).toBe(200);
  });
});

describe('delivery guarantees', { timeout: 20_000 }, () => {
  it('gives each command to exactly one of several executors of a cluster', async () => {
    server = createTestServer();
    const token = await server.createCluster();
    const executors = [
      await server.connectExecutor(token, { executorId: 'ex-a' }),
      await server.connectExecutor(token, { executorId: 'ex-b' }),
    ];
    const pending = Array.from({ length: 6 }, (_, index) => run({ args: ['get', 'pods', `p${index}`] }));
    const received = await Promise.all(
      executors.map(async (executor) => [
        await executor.nextCommand(),
        await executor.nextCommand(),
        await executor.nextCommand(),
      ]),
    );
    const ids = received.flat().map((command) => command.id);
    expect(new Set(ids).size).toBe(6);
    for (const [index, executor] of executors.entries()) {
      for (const command of received[index] ?? []) await executor.postResult(command.id);
    }
    for (const response of await Promise.all(pending)) expect(response.status).toBe(200);
    for (const executor of executors)
      await expect(executor.reader.nextFrame(200)).rejects.toThrow('no SSE event in time');
  });

  it('re-sends unacked commands after Last-Event-ID when the same executor reconnects within the grace', async () => {
    server = createTestServer({ redeliveryGraceMs: 2000 });
    const token = await server.createCluster();
    const first = await server.connectExecutor(token, { executorId: 'ex-a' });
    const pendingOne = run({ args: ['get', 'pods', 'one'] });
    const one = await first.nextCommand();
    const pendingTwo = run({ args: ['get', 'pods', 'two'] });
    const two = await first.nextCommand();
    await first.disconnect();
    const again = await server.connectExecutor(token, { executorId: 'ex-a', lastEventId: one.id });
    const resent = await again.nextCommand();
    expect(resent.id).toBe(two.id);
    await again.postResult(one.id);
    await again.postResult(two.id);
    expect((await pendingOne).status).toBe(200);
    expect((await pendingTwo).status).toBe(200);
  });

  it('replaces a stale stream of the same executor: the old one ends, unacked commands follow the new one', async () => {
    server = createTestServer();
    const token = await server.createCluster();
    const stale = await server.connectExecutor(token, { executorId: 'ex-a' });
    const pending = run({ args: ['get', 'pods'] });
    const command = await stale.nextCommand();
    const fresh = await server.connectExecutor(token, { executorId: 'ex-a', lastEventId: 'unknown-id' });
    expect(await stale.reader.nextFrame()).toBeUndefined();
    expect((await fresh.nextCommand()).id).toBe(command.id);
    const next = run({ args: ['get', 'nodes'] });
    const second = await fresh.nextCommand();
    await fresh.postResult(command.id);
    await fresh.postResult(second.id);
    expect((await pending).status).toBe(200);
    expect((await next).status).toBe(200);
  });

  it('fails a command definitely when its executor vanishes past the grace; it is never re-run elsewhere', async () => {
    server = createTestServer({ redeliveryGraceMs: 100 });
    const token = await server.createCluster();
    const doomed = await server.connectExecutor(token, { executorId: 'ex-doomed' });
    const pending = run({ args: ['get', 'pods'] });
    const command = await doomed.nextCommand();
    const other = await server.connectExecutor(token, { executorId: 'ex-other' });
    await doomed.disconnect();
    const response = await pending;
    expect(response.status).toBe(200);
    const body = (await response.json()) as CommandResponse;
    expect(body).toMatchObject({ id: command.id, status: 'failed', failure: { code: 'executor_error' } });
    expect(body.failure?.message).toContain('may or may not have run');
    await expect(other.reader.nextFrame(200)).rejects.toThrow('no SSE event in time');
  });
});

describe('GET /v1/executor/commands (long-poll)', { timeout: 20_000 }, () => {
  const poll = (token: string, query = '?wait=2', executorId = 'poller') =>
    server.app.request(`/v1/executor/commands${query}`, {
      headers: { authorization: `Bearer ${token}`, 'x-executor-id': executorId },
    });

  it('answers as soon as a command is queued, with the same frames as the stream', async () => {
    server = createTestServer({ executorGraceMs: 2000 });
    const token = await server.createCluster();
    const polled = poll(token);
    await tick(20);
    const pending = run({ args: ['get', 'pods'] });
    const response = await polled;
    expect(response.status).toBe(200);
    const { frames } = (await response.json()) as { frames: { type: string; command: { id: string } }[] };
    expect(frames).toHaveLength(1);
    expect(frames[0]?.type).toBe('command');
    const id = frames[0]?.command.id ?? '';
    const ack = await server.app.request('/v1/executor/results', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-executor-id': 'poller',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        commandId: id,
        exitCode: 0,
        stdout: 'x',
        stderr: '',
        durationMs: 1,
        truncated: false,
        redactions: 0,
      }),
    });
    expect(ack.status).toBe(200);
    expect(await (await pending).json()).toMatchObject({ status: 'succeeded', stdout: 'x' });
  });

  it('answers with no frames after the wait and rejects a wait over 30', async () => {
    server = createTestServer();
    const token = await server.createCluster();
    expect(await (await poll(token, '?wait=0')).json()).toEqual({
      frames: [],
      maxResultBytes: server.services.config.resultBodyLimitBytes,
    });
    expect((await poll(token, '?wait=31')).status).toBe(400);
  });
});
