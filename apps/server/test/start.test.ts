import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';

import type { ErrorBody } from '@kubently/protocol';

import { createConfig } from '../src/config.js';
import { start } from '../src/start.js';
import type { RunningServer } from '../src/start.js';
import { SseReader } from './support/sse-reader.js';

const adminKey = 'admin-key-0123456789abcdef';
let server: RunningServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const boot = async (): Promise<RunningServer> =>
  start(
    createConfig({
      port: 0,
      apiKeys: [{ identity: 'root', key: adminKey, role: 'admin' }],
      keepaliveSeconds: 1,
      executorGraceMs: 5000,
    }),
    { logger: pino({ level: 'silent' }) },
  );

const api = (running: RunningServer, path: string, init: RequestInit = {}) =>
  fetch(`${running.url}${path}`, {
    ...init,
    headers: {
      'x-api-key': adminKey,
      'content-type': 'application/json',
      ...(init.headers as Record<string, string>),
    },
  });

describe('start() over a real loopback socket', { timeout: 20_000 }, () => {
  it('reports the real port and streams connected, keepalive and command frames', async () => {
    server = await boot();
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const { token } = (await (
      await api(server, '/v1/clusters', { method: 'POST', body: JSON.stringify({ id: 'prod' }) })
    ).json()) as {
      token: string;
    };
    const stream = await fetch(`${server.url}/v1/executor/stream`, {
      headers: { authorization: `Bearer ${token}`, 'x-executor-id': 'ex-socket' },
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    expect(stream.headers.get('cache-control')).toBe('no-cache');
    expect(stream.headers.get('x-accel-buffering')).toBe('no');
    const reader = new SseReader(stream.body!);
    const connected = await reader.next();
    expect(connected?.event).toBe('connected');
    expect(JSON.parse(connected?.data ?? '{}')).toMatchObject({
      type: 'connected',
      clusterId: 'prod',
      executorId: 'ex-socket',
      keepaliveSeconds: 1,
    });
    const keepalive = await reader.next(3000);
    expect(keepalive?.comment).toMatch(/^keepalive \d{4}-/);

    const pending = api(server, '/v1/commands', {
      method: 'POST',
      body: JSON.stringify({ clusterId: 'prod', args: ['get', 'pods'] }),
    });
    const frame = await reader.nextFrame();
    expect(frame?.event).toBe('command');
    const { command } = JSON.parse(frame?.data ?? '{}') as { command: { id: string } };
    expect(frame?.id).toBe(command.id);
    const ack = await fetch(`${server.url}/v1/executor/results`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-executor-id': 'ex-socket',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        commandId: command.id,
        exitCode: 0,
        stdout: 'ok',
        stderr: '',
        durationMs: 1,
        truncated: false,
        redactions: 0,
      }),
    });
    expect(ack.status).toBe(200);
    expect(await (await pending).json()).toMatchObject({ status: 'succeeded', stdout: 'ok' });
    await reader.cancel();
  });

  it('closes gracefully: streams end and waiting callers get 503 shutting_down', async () => {
    const running = await boot();
    server = running;
    const { token } = (await (
      await api(running, '/v1/clusters', { method: 'POST', body: JSON.stringify({ id: 'prod' }) })
    ).json()) as {
      token: string;
    };
    const stream = await fetch(`${running.url}/v1/executor/stream`, {
      headers: { authorization: `Bearer ${token}`, 'x-executor-id': 'ex-socket' },
    });
    const reader = new SseReader(stream.body!);
    await reader.nextFrame();
    const pending = api(running, '/v1/commands', {
      method: 'POST',
      body: JSON.stringify({ clusterId: 'prod', args: ['get', 'pods'] }),
    });
    await reader.nextFrame();
    const closing = running.close();
    const response = await pending;
    expect(response.status).toBe(503);
    expect(((await response.json()) as ErrorBody).error.code).toBe('shutting_down');
    expect(await reader.nextFrame()).toBeUndefined();
    await closing;
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
  });
});
