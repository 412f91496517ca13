import { afterEach, describe, expect, it } from 'vitest';

import { seedSessionResponseSchema } from '@kubently/protocol';
import type { SeedExecuteResponse, SeedSessionResponse } from '@kubently/protocol';

import { SseReader } from '../support/sse-reader.js';
import { createTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

let server: TestServer;

afterEach(async () => {
  await server.close();
});

describe('seed aliases', { timeout: 20_000 }, () => {
  it('echoes only the verified service identity from /debug/session and refuses a body that claims another', async () => {
    server = createTestServer();
    await server.createCluster('prod');
    const claimed = await server.call('POST', '/debug/session', {
      as: 'operator',
      body: { cluster_id: 'prod', service_identity: 'payments-bot' },
    });
    expect(claimed.status).toBe(400);
    expect(await claimed.text()).toContain('X-Service-Identity');

    const viaHeader = await server.call('POST', '/debug/session', {
      as: 'operator',
      headers: { 'x-service-identity': 'payments-bot' },
      body: { cluster_id: 'prod', service_identity: 'payments-bot' },
    });
    expect(viaHeader.status).toBe(201);
    expect(seedSessionResponseSchema.parse(await viaHeader.json()).service_identity).toBe('payments-bot');

    const plain = await server.call('POST', '/debug/session', {
      as: 'operator',
      body: { cluster_id: 'prod' },
    });
    expect(seedSessionResponseSchema.parse(await plain.json()).service_identity).toBe('oncall');
  });

  it('runs /debug/session and /debug/execute against a seed-shaped executor stream and results', async () => {
    server = createTestServer();
    const token = await server.createCluster('prod');
    const stream = await server.app.request('/executor/stream', {
      headers: { authorization: `Bearer ${token}`, 'x-cluster-id': 'prod' },
    });
    expect(stream.status).toBe(200);
    const reader = new SseReader(stream.body!);
    const connected = await reader.nextFrame();
    expect(JSON.parse(connected?.data ?? '{}')).toEqual({ status: 'connected', cluster_id: 'prod' });

    const sessionResponse = await server.call('POST', '/debug/session', {
      as: 'operator',
      body: { cluster_id: 'prod', ttl_seconds: 600, correlation_id: 'seed-corr' },
    });
    expect(sessionResponse.status).toBe(201);
    const session = (await sessionResponse.json()) as SeedSessionResponse;
    expect(session).toMatchObject({
      cluster_id: 'prod',
      status: 'active',
      ttl_seconds: 600,
      correlation_id: 'seed-corr',
      service_identity: 'oncall',
    });

    const executed = server.call('POST', '/debug/execute', {
      as: 'operator',
      body: {
        cluster_id: 'prod',
        session_id: session.session_id,
        command_type: 'get',
        args: ['pods'],
        namespace: 'web',
      },
    });
    const frame = await reader.nextFrame();
    expect(frame?.event).toBe('command');
    const command = JSON.parse(frame?.data ?? '{}') as {
      id: string;
      args: string[];
      timeout: number;
      correlation_id: string;
    };
    expect(command).toMatchObject({ args: ['get', 'pods', '--namespace=web'], timeout: 10 });
    expect(frame?.id).toBe(command.id);

    const posted = await server.app.request('/executor/results', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        command_id: command.id,
        success: true,
        output: 'web-1 Running',
        execution_time_ms: 12,
      }),
    });
    expect(posted.status).toBe(200);
    const response = await executed;
    expect(response.status).toBe(200);
    const body = (await response.json()) as SeedExecuteResponse;
    expect(body).toMatchObject({
      command_id: command.id,
      session_id: session.session_id,
      cluster_id: 'prod',
      status: 'success',
      output: 'web-1 Running',
      error: null,
      execution_time_ms: 12,
    });
    const audit = (await (await server.call('GET', '/v1/audit')).json()) as { records: { source: string }[] };
    expect(audit.records[0]?.source).toBe('seed');
    await reader.cancel();
  });

  it('reports a seed failure result as status failure with the error text', async () => {
    server = createTestServer();
    const token = await server.createCluster('prod');
    const stream = await server.app.request('/executor/stream', {
      headers: { authorization: `Bearer ${token}` },
    });
    const reader = new SseReader(stream.body!);
    await reader.nextFrame();
    const executed = server.call('POST', '/debug/execute', {
      body: { cluster_id: 'prod', command_type: 'version' },
    });
    const command = JSON.parse((await reader.nextFrame())?.data ?? '{}') as { id: string; args: string[] };
    expect(command.args).toEqual(['version']);
    await server.app.request('/executor/results', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        command_id: command.id,
        success: false,
        error: 'Unable to connect',
        return_code: 1,
      }),
    });
    expect(await (await executed).json()).toMatchObject({ status: 'failure', error: 'Unable to connect' });
    await reader.cancel();
  });

  it('answers GET /health without a key', async () => {
    server = createTestServer();
    expect(await (await server.call('GET', '/health', { as: null })).json()).toMatchObject({
      status: 'healthy',
    });
  });
});
