import { afterEach, describe, expect, it } from 'vitest';

import type { ExecutorCapabilities } from '@kubently/protocol';

import { SseReader } from '../support/sse-reader.js';
import { createTestServer, tick } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

let server: TestServer;

afterEach(async () => {
  await server.close();
});

const capabilities = (mode: ExecutorCapabilities['mode']): ExecutorCapabilities => ({
  executorId: 'ex-1',
  executorVersion: '0.1.0',
  mode,
  kubectlVersion: null,
  kubernetesVersion: null,
  maxConcurrency: 4,
  transport: 'sse',
});

describe('executor link details', { timeout: 20_000 }, () => {
  it('writes seed keepalives as events and needs no X-Executor-ID on the seed stream', async () => {
    server = createTestServer({ keepaliveSeconds: 1 });
    const token = await server.createCluster();
    const response = await server.app.request('/executor/stream', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    const reader = new SseReader(response.body!);
    expect((await reader.next())?.event).toBe('connected');
    const keepalive = await reader.next(3000);
    expect(keepalive?.event).toBe('keepalive');
    expect(
      Date.parse((JSON.parse(keepalive?.data ?? '{}') as { timestamp: string }).timestamp),
    ).not.toBeNaN();
    await reader.cancel();
  });

  it('re-sends unacked commands to a long-poll that names its Last-Event-ID', async () => {
    server = createTestServer({ executorGraceMs: 2000 });
    const token = await server.createCluster();
    const poll = (lastEventId?: string) =>
      server.app.request('/v1/executor/commands?wait=1', {
        headers: {
          authorization: `Bearer ${token}`,
          'x-executor-id': 'poller',
          ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
        },
      });
    const pending = [
      server.call('POST', '/v1/commands', { body: { clusterId: 'prod', args: ['get', 'pods'] } }),
      server.call('POST', '/v1/commands', { body: { clusterId: 'prod', args: ['get', 'nodes'] } }),
    ];
    await tick(20);
    const first = (await (await poll()).json()) as { frames: { command: { id: string } }[] };
    const ids = first.frames.map((frame) => frame.command.id);
    expect(ids).toHaveLength(2);
    // The answer was "lost": the executor only saw the first command.
    const again = (await (await poll(ids[0])).json()) as { frames: { command: { id: string } }[] };
    expect(again.frames.map((frame) => frame.command.id)).toEqual([ids[1]]);
    const nothing = (await (await poll()).json()) as { frames: unknown[] };
    expect(nothing.frames).toEqual([]);
    for (const id of ids) {
      await server.app.request('/v1/executor/results', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'x-executor-id': 'poller',
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          commandId: id,
          exitCode: 0,
          stdout: '',
          stderr: '',
          durationMs: 1,
          truncated: false,
          redactions: 0,
        }),
      });
    }
    for (const response of await Promise.all(pending)) {
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'succeeded' });
    }
  });

  it('re-sends commands of a long-poll answer that never reached the executor', async () => {
    server = createTestServer({ executorGraceMs: 2000 });
    const token = await server.createCluster();
    const poll = (signal?: AbortSignal) =>
      server.app.request('/v1/executor/commands?wait=1', {
        headers: { authorization: `Bearer ${token}`, 'x-executor-id': 'poller' },
        ...(signal === undefined ? {} : { signal }),
      });
    const pending = server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get', 'pods'] },
    });
    await tick(20);
    const connection = new AbortController();
    const lostAnswer = (await (await poll(connection.signal)).json()) as {
      frames: { command: { id: string } }[];
    };
    const id = lostAnswer.frames[0]?.command.id;
    expect(id).toBeDefined();
    connection.abort();
    const retried = (await (await poll()).json()) as { frames: { command: { id: string } }[] };
    expect(retried.frames.map((frame) => frame.command.id)).toEqual([id]);
    expect(((await (await poll()).json()) as { frames: unknown[] }).frames).toEqual([]);
    await server.app.request('/v1/executor/results', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-executor-id': 'poller',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        commandId: id,
        exitCode: 0,
        stdout: '',
        stderr: '',
        durationMs: 1,
        truncated: false,
        redactions: 0,
      }),
    });
    const answered = await pending;
    expect(answered.status).toBe(200);
    expect(await answered.json()).toMatchObject({ status: 'succeeded' });
  });

  it('pre-checks commands in the mode the executor reports (readOnly until it reports)', async () => {
    server = createTestServer();
    const token = await server.createCluster();
    const executor = await server.connectExecutor(token, { executorId: 'ex-1' });
    const write = () =>
      server.call('POST', '/v1/commands?wait=false', {
        body: { clusterId: 'prod', args: ['delete', 'pod', 'web-1'] },
      });
    expect((await write()).status).toBe(422);
    const reported = await server.app.request('/v1/executor/capabilities', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-executor-id': 'ex-1',
        'content-type': 'application/json',
      },
      body: JSON.stringify(capabilities('fullAccess')),
    });
    expect(reported.status).toBe(204);
    expect((await write()).status).toBe(202);
    expect((await executor.nextCommand()).args).toEqual(['delete', 'pod', 'web-1']);
  });

  it('rejects invalid capabilities with 400 naming the field', async () => {
    server = createTestServer();
    const token = await server.createCluster();
    const response = await server.app.request('/v1/executor/capabilities', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-executor-id': 'ex-1',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ ...capabilities('readOnly'), mode: 'godMode' }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('mode');
  });

  it('validates the audit query', async () => {
    server = createTestServer();
    expect((await server.call('GET', '/v1/audit?limit=5000')).status).toBe(400);
    expect((await server.call('GET', '/v1/audit?since=yesterday')).status).toBe(400);
    expect((await server.call('GET', '/v1/audit?limit=1&since=2026-01-01T00:00:00Z')).status).toBe(200);
  });
});
