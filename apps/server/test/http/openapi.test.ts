import { afterEach, describe, expect, it } from 'vitest';

import type { ErrorBody } from '@kubently/protocol';

import { createTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

let server: TestServer;

afterEach(async () => {
  await server.close();
});

interface Document {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}

describe('GET /v1/openapi.json', { timeout: 20_000 }, () => {
  it('describes the REST surface with schemas generated from the protocol', async () => {
    server = createTestServer();
    const response = await server.call('GET', '/v1/openapi.json', { as: null });
    expect(response.status).toBe(200);
    const document = (await response.json()) as Document;
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.components.schemas.CommandRequest?.properties ?? {})).toEqual(
      expect.arrayContaining(['clusterId', 'args', 'command', 'namespace', 'timeoutSeconds', 'sessionId']),
    );
    expect(document.components.schemas.ErrorBody).toBeDefined();
  });

  it('lists only routes that exist', async () => {
    server = createTestServer();
    const document = (await (await server.call('GET', '/v1/openapi.json')).json()) as Document;
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const method of Object.keys(methods)) {
        const response = await server.call(method.toUpperCase(), path.replace('{id}', 'x'), { as: null });
        const code = response.headers.get('content-type')?.includes('json')
          ? ((await response.json()) as Partial<ErrorBody>).error?.code
          : undefined;
        expect(code, `${method} ${path}`).not.toBe('not_found');
      }
    }
  });
});
