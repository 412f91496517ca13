import { afterEach, describe, expect, it } from 'vitest';

import type { AuditList } from '@kubently/protocol';

import { createTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

/**
 * A correlation id lands in sessions, audit records, logs and executor frames. The header is taken
 * only when it is a plain token; a body field (seed `correlation_id`, `/v1/sessions` `correlationId`)
 * gets the same rule and a clear 400, so no caller can write control characters into the audit log.
 */
let server: TestServer;

afterEach(async () => {
  await server.close();
});

const hostile = [
  'esc\u001b[2J\u001b[1A',
  'osc52\u001b]52;c;cm0gLXJmIH4=\u0007',
  'bidi\u202eevil',
  'new\nline',
  'has space',
  'a'.repeat(129),
];

const expectRefused = async (response: Response, field: string): Promise<void> => {
  expect(response.status).toBe(400);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('validation_failed');
  expect(body.error.message).toContain(`${field}: correlation id must be 1-128 letters, digits`);
  expect(body.error.message).toContain('X-Correlation-ID');
};

describe('correlation ids from request bodies', () => {
  it.each(hostile)('refuses seed /debug/session and /debug/execute with correlation_id %j', async (id) => {
    server = createTestServer();
    await server.createCluster('prod');
    await expectRefused(
      await server.call('POST', '/debug/session', {
        as: 'operator',
        body: { cluster_id: 'prod', correlation_id: id },
      }),
      'correlation_id',
    );
    await expectRefused(
      await server.call('POST', '/debug/execute', {
        as: 'operator',
        body: { cluster_id: 'prod', command_type: 'get', args: ['pods'], correlation_id: id },
      }),
      'correlation_id',
    );
    await expectRefused(
      await server.call('POST', '/v1/sessions', {
        as: 'operator',
        body: { clusterId: 'prod', correlationId: id },
      }),
      'correlationId',
    );
    const audit = (await (await server.call('GET', '/v1/audit')).json()) as AuditList;
    expect(audit.records).toEqual([]);
  });

  it('keeps accepting the ids the header accepts', async () => {
    server = createTestServer();
    await server.createCluster('prod');
    const session = await server.call('POST', '/debug/session', {
      as: 'operator',
      body: { cluster_id: 'prod', correlation_id: 'case-42.retry_1:a' },
    });
    expect(session.status).toBe(201);
    expect(await session.json()).toMatchObject({ correlation_id: 'case-42.retry_1:a' });
    const header = await server.call('POST', '/v1/sessions', {
      as: 'operator',
      body: { clusterId: 'prod' },
      headers: { 'x-correlation-id': 'bad id with spaces' },
    });
    expect(header.status).toBe(201);
    expect(header.headers.get('x-correlation-id')).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  });
});
