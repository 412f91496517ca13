import { afterEach, describe, expect, it } from 'vitest';

import type { ErrorBody } from '@kubently/protocol';

import { createTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

let server: TestServer;

afterEach(async () => {
  await server.close();
});

const error = async (response: Response) => ((await response.json()) as ErrorBody).error;

describe('request validation and error mapping', { timeout: 20_000 }, () => {
  it('answers 415 for a body that is not JSON', async () => {
    server = createTestServer();
    const response = await server.call('POST', '/v1/clusters', {
      body: 'id=prod',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(415);
    const body = await error(response);
    expect(body.code).toBe('unsupported_media_type');
    expect(body.message).toContain('application/json');
  });

  it('answers 400 with the parser message for malformed JSON', async () => {
    server = createTestServer();
    const response = await server.call('POST', '/v1/clusters', { body: '{"id": "prod",' });
    expect(response.status).toBe(400);
    const body = await error(response);
    expect(body.code).toBe('bad_request');
    expect(body.message).toContain('not valid JSON');
  });

  it('answers 400 validation_failed naming the field', async () => {
    server = createTestServer();
    const bad = await server.call('POST', '/v1/clusters', { body: { id: 'Not A Label' } });
    expect(bad.status).toBe(400);
    const body = await error(bad);
    expect(body.code).toBe('validation_failed');
    expect(body.message).toContain('id:');
    expect(body.message).toContain('DNS-1123');
    const both = await server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get'], command: 'get pods' },
    });
    expect(both.status).toBe(400);
    expect((await error(both)).message).toContain('exactly one of "args"');
  });

  it('answers 413 payload_too_large past the request limit', async () => {
    server = createTestServer({ requestBodyLimitBytes: 2048 });
    const response = await server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', command: `get pods ${'x'.repeat(4000)}` },
    });
    expect(response.status).toBe(413);
    expect((await error(response)).code).toBe('payload_too_large');
  });

  it('answers 413 for a body streamed without a declared length', async () => {
    server = createTestServer({ requestBodyLimitBytes: 2048 });
    const chunk = new TextEncoder().encode(`{"id":"${'a'.repeat(3000)}"}`);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await server.app.request('/v1/clusters', {
      method: 'POST',
      headers: { 'x-api-key': 'admin-key-0123456789abcdef', 'content-type': 'application/json' },
      body,
      duplex: 'half',
    });
    expect(response.status).toBe(413);
  });

  it('answers 413 when a body is longer than its declared length and the limit', async () => {
    server = createTestServer({ requestBodyLimitBytes: 2048 });
    const response = await server.app.request('/v1/clusters', {
      method: 'POST',
      headers: {
        'x-api-key': 'admin-key-0123456789abcdef',
        'content-type': 'application/json',
        'content-length': '10',
      },
      body: `{"id":"${'a'.repeat(3000)}"}`,
    });
    expect(response.status).toBe(413);
    expect((await error(response)).code).toBe('payload_too_large');
  });

  it('answers 404 not_found in the error shape for an unknown route', async () => {
    server = createTestServer();
    const response = await server.call('GET', '/v1/nothing-here');
    expect(response.status).toBe(404);
    expect((await error(response)).code).toBe('not_found');
  });

  it('answers 400 for an invalid wait parameter and for conflicting namespaces', async () => {
    server = createTestServer();
    await server.createCluster('prod');
    const wait = await server.call('POST', '/v1/commands?wait=maybe', {
      body: { clusterId: 'prod', args: ['get', 'pods'] },
    });
    expect(wait.status).toBe(400);
    const namespaces = await server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get', 'pods', '-n', 'kube-system'], namespace: 'web' },
    });
    expect(namespaces.status).toBe(400);
    expect((await error(namespaces)).message).toContain('kube-system');
  });

  it('answers health and readiness without a key', async () => {
    server = createTestServer();
    expect(await (await server.call('GET', '/healthz', { as: null })).json()).toMatchObject({ status: 'ok' });
    const ready = await server.call('GET', '/readyz', { as: null });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      checks: { state: { ok: true, message: 'memory' } },
    });
    await server.close();
    expect((await server.call('GET', '/readyz', { as: null })).status).toBe(503);
  });
});
