import { afterEach, describe, expect, it } from 'vitest';

import { captureLogger } from '../support/captured-logger.js';
import { createFakeClock } from '../support/fake-clock.js';
import { createTestServer, keys } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

const wrongKey = 'not-a-key-0123456789abcdef';

interface Surface {
  readonly name: string;
  /** A request with the given credential (or none). */
  readonly request: (server: TestServer, credential: 'valid' | 'wrong' | 'none') => Promise<Response>;
  readonly jsonRpc: boolean;
}

const apiKeyHeader = (credential: 'valid' | 'wrong' | 'none', key: string): Record<string, string> =>
  credential === 'none' ? {} : { 'x-api-key': credential === 'valid' ? key : wrongKey };

const tokens = new WeakMap<TestServer, string>();

const surfaces: readonly Surface[] = [
  {
    name: 'rest',
    jsonRpc: false,
    request: (server, credential) =>
      Promise.resolve(server.app.request('/v1/clusters', { headers: apiKeyHeader(credential, keys.viewer) })),
  },
  {
    name: 'seed',
    jsonRpc: false,
    request: (server, credential) =>
      Promise.resolve(
        server.app.request('/debug/session', {
          method: 'POST',
          headers: { ...apiKeyHeader(credential, keys.operator), 'content-type': 'application/json' },
          body: JSON.stringify({ cluster_id: 'nowhere' }),
        }),
      ),
  },
  {
    name: 'a2a',
    jsonRpc: true,
    request: (server, credential) =>
      Promise.resolve(
        server.app.request('/a2a', {
          method: 'POST',
          headers: { ...apiKeyHeader(credential, keys.viewer), 'content-type': 'application/json' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ListTasks', params: {} }),
        }),
      ),
  },
  {
    name: 'mcp',
    jsonRpc: true,
    request: (server, credential) =>
      Promise.resolve(
        server.app.request('http://127.0.0.1/mcp', {
          method: 'POST',
          headers: {
            ...apiKeyHeader(credential, keys.viewer),
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
          },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
        }),
      ),
  },
  {
    name: 'executor',
    jsonRpc: false,
    request: async (server, credential) => {
      tokens.set(server, tokens.get(server) ?? (await server.createCluster('guarded')));
      const token = tokens.get(server) ?? '';
      return server.app.request('/v1/executor/capabilities', {
        method: 'POST',
        headers: {
          ...(credential === 'none'
            ? {}
            : { authorization: `Bearer ${credential === 'valid' ? token : wrongKey}` }),
          'x-executor-id': 'executor-1',
          'content-type': 'application/json',
        },
        body: '{}',
      });
    },
  },
];

describe('failed authentication is logged and slowed down per source, on every surface', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it.each(surfaces)(
    '$name: 401s are logged with the source; past the limit even a valid credential gets 429 with Retry-After until the block ends',
    async (surface) => {
      const clock = createFakeClock();
      const captured = captureLogger('warn');
      server = createTestServer({ authFailureLimit: 3 }, { clock, logger: captured.logger });
      for (let attempt = 0; attempt < 3; attempt += 1) {
        expect((await surface.request(server, 'wrong')).status).toBe(401);
      }
      const blocked = await surface.request(server, 'valid');
      expect(blocked.status).toBe(429);
      expect(blocked.headers.get('retry-after')).toBe('30');
      const body = (await blocked.json()) as Record<string, unknown>;
      if (surface.jsonRpc) {
        expect(body).toMatchObject({
          jsonrpc: '2.0',
          error: { data: { code: 'rate_limited', retryAfterSeconds: 30 } },
        });
      } else {
        expect(body).toMatchObject({
          error: { code: 'rate_limited', details: { limit: 'authFailures', retryAfterSeconds: 30 } },
        });
      }
      expect(JSON.stringify(body)).toContain('KUBENTLY_TRUSTED_PROXIES');
      // Requests without any credential (probes, the public card) are never refused.
      expect((await server.app.request('/healthz')).status).toBe(200);
      expect((await server.app.request('/.well-known/agent-card.json')).status).toBe(200);
      const warnings = captured.lines().filter((line) => line['level'] === 40);
      expect(warnings[0]).toMatchObject({
        msg: 'authentication failed',
        surface: surface.name,
        reason: 'invalid',
        source: 'unknown',
      });
      expect(warnings.at(-1)).toMatchObject({
        msg: 'too many failed authentication attempts; refusing this source for a while',
        blockSeconds: 30,
      });
      // Nothing secret is logged: the wrong key never appears.
      expect(JSON.stringify(captured.lines())).not.toContain(wrongKey);
      clock.advance(30_000);
      expect((await surface.request(server, 'valid')).status).not.toBe(429);
    },
  );

  it('a missing credential is logged but never blocks', async () => {
    const captured = captureLogger('warn');
    server = createTestServer({ authFailureLimit: 1 }, { logger: captured.logger });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await server.call('GET', '/v1/clusters', { as: null })).status).toBe(401);
    }
    expect((await server.call('GET', '/v1/clusters', { as: 'viewer' })).status).toBe(200);
    expect(captured.lines()[0]).toMatchObject({ level: 40, msg: 'authentication failed', reason: 'missing' });
  });
});
