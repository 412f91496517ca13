import { afterEach, describe, expect, it } from 'vitest';

import { errorBodySchema, issuedKeySchema, keyListSchema } from '@kubently/protocol';
import type { IssuedKey } from '@kubently/protocol';

import { createFakeClock } from '../support/fake-clock.js';
import { createTestServer } from '../support/test-server.js';

/** Managed keys through `/v1/keys` (issue #14 item 1), driven in-process with a fake clock. */
describe('/v1/keys', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  const setup = () => {
    const clock = createFakeClock();
    const server = createTestServer({ tokenOverlapSeconds: 300 }, { clock });
    closers.push(server.close);
    const issue = async (body: Record<string, unknown>): Promise<IssuedKey> => {
      const response = await server.call('POST', '/v1/keys', { body });
      expect(response.status).toBe(201);
      return issuedKeySchema.parse(await response.json());
    };
    /** The status a request with `key` gets, as X-API-Key or as a Bearer token. */
    const statusWith = async (key: string, bearer = false): Promise<number> =>
      (
        await server.call('GET', '/v1/clusters', {
          as: null,
          headers: bearer ? { authorization: `Bearer ${key}` } : { 'x-api-key': key },
        })
      ).status;
    const list = async () => keyListSchema.parse(await (await server.call('GET', '/v1/keys')).json()).keys;
    return { clock, server, issue, statusWith, list };
  };

  it('creates a key once: the answer holds it, the store only its hash, the list never a secret', async () => {
    const { server, issue, statusWith, list } = setup();
    const issued = await issue({
      identity: 'ci',
      role: 'viewer',
      clusters: ['prod'],
      expiresInSeconds: 3600,
    });
    expect(issued).toMatchObject({
      identity: 'ci',
      role: 'viewer',
      clusters: ['prod'],
      source: 'managed',
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-01T01:00:00.000Z',
      lastUsedAt: null,
    });
    expect(issued.key).toMatch(/^kbk_[A-Za-z0-9_-]{43}$/);
    expect(await statusWith(issued.key)).toBe(200);
    expect(await statusWith(issued.key, true)).toBe(200);
    const stored = JSON.stringify(await server.services.state.keys.list());
    expect(stored).not.toContain(issued.key);
    const listed = await list();
    expect(JSON.stringify(listed)).not.toContain(issued.key);
    expect(listed.map((key) => [key.identity, key.source])).toEqual([
      ['root', 'environment'],
      ['oncall', 'environment'],
      ['auditor', 'environment'],
      ['partner', 'environment'],
      ['ci', 'managed'],
    ]);
  });

  it('expires a key at its expiry', async () => {
    const { clock, issue, statusWith } = setup();
    const issued = await issue({ identity: 'short', role: 'viewer', expiresInSeconds: 60 });
    clock.advance(59_999);
    expect(await statusWith(issued.key)).toBe(200);
    clock.advance(1);
    expect(await statusWith(issued.key)).toBe(401);
  });

  it('records the last use at most once a minute per key', async () => {
    const { clock, issue, statusWith, list } = setup();
    const issued = await issue({ identity: 'busy', role: 'viewer' });
    const lastUsed = async () => (await list()).find((key) => key.identity === 'busy')?.lastUsedAt;
    expect(await statusWith(issued.key)).toBe(200);
    expect(await lastUsed()).toBe('2026-01-01T00:00:00.000Z');
    clock.advance(59_000);
    expect(await statusWith(issued.key)).toBe(200);
    expect(await lastUsed()).toBe('2026-01-01T00:00:00.000Z');
    clock.advance(1000);
    expect(await statusWith(issued.key)).toBe(200);
    expect(await lastUsed()).toBe('2026-01-01T00:01:00.000Z');
  });

  it('rotates with an overlap: the old key works until it ends, the new one from now on', async () => {
    const { clock, server, issue, statusWith } = setup();
    const first = await issue({ identity: 'svc', role: 'operator' });
    const rotated = await server.call('POST', '/v1/keys/svc/rotate', { body: { overlapSeconds: 120 } });
    expect(rotated.status).toBe(200);
    const second = issuedKeySchema.parse(await rotated.json());
    expect(second.key).not.toBe(first.key);
    expect(second.previousKeyExpiresAt).toBe('2026-01-01T00:02:00.000Z');
    expect(await statusWith(first.key)).toBe(200);
    expect(await statusWith(second.key)).toBe(200);
    clock.advance(120_000);
    expect(await statusWith(first.key)).toBe(401);
    expect(await statusWith(second.key)).toBe(200);
    // Without a body the server's overlap (KUBENTLY_TOKEN_OVERLAP_SECONDS) applies; a second
    // rotation ends every older key.
    const third = issuedKeySchema.parse(await (await server.call('POST', '/v1/keys/svc/rotate')).json());
    expect(third.previousKeyExpiresAt).toBe('2026-01-01T00:07:00.000Z');
    expect(await statusWith(second.key)).toBe(200);
    await server.call('POST', '/v1/keys/svc/rotate');
    expect(await statusWith(second.key)).toBe(401);
  });

  it('revokes a key at once', async () => {
    const { server, issue, statusWith, list } = setup();
    const issued = await issue({ identity: 'gone', role: 'admin' });
    expect((await server.call('DELETE', '/v1/keys/gone')).status).toBe(204);
    expect(await statusWith(issued.key)).toBe(401);
    expect((await list()).some((key) => key.identity === 'gone')).toBe(false);
    const again = await server.call('DELETE', '/v1/keys/gone');
    expect(again.status).toBe(404);
    expect(errorBodySchema.parse(await again.json()).error.message).toContain('kubently keys list');
  });

  it.each([
    ['an unknown role', { identity: 'x', role: 'root' }, 400, 'role'],
    ['a bad identity', { identity: 'has space', role: 'viewer' }, 400, 'identity must be'],
    ['a bad cluster id', { identity: 'x', role: 'viewer', clusters: ['Prod!'] }, 400, 'DNS-1123'],
    ['an unknown field', { identity: 'x', role: 'viewer', scope: 'prod' }, 400, 'scope'],
    ['an environment identity', { identity: 'oncall', role: 'viewer' }, 409, 'KUBENTLY_API_KEYS'],
  ])('refuses %s, naming the problem', async (_name, body, status, words) => {
    const { server } = setup();
    const response = await server.call('POST', '/v1/keys', { body });
    expect(response.status).toBe(status);
    expect(errorBodySchema.parse(await response.json()).error.message).toContain(words);
  });

  it('refuses a duplicate identity, naming rotate and revoke as the fix', async () => {
    const { server, issue } = setup();
    await issue({ identity: 'dup', role: 'viewer' });
    const response = await server.call('POST', '/v1/keys', { body: { identity: 'dup', role: 'admin' } });
    expect(response.status).toBe(409);
    expect(errorBodySchema.parse(await response.json()).error.message).toMatch(/rotate.*revoke/);
  });

  it('is for admins only; an operator gets 403, no key 401', async () => {
    const { server } = setup();
    expect((await server.call('GET', '/v1/keys', { as: 'operator' })).status).toBe(403);
    expect((await server.call('GET', '/v1/keys', { as: null })).status).toBe(401);
    expect(
      (await server.call('POST', '/v1/keys', { as: 'viewer', body: { identity: 'x', role: 'admin' } }))
        .status,
    ).toBe(403);
  });

  it('counts a refused Bearer key as a failed authentication like a refused X-API-Key', async () => {
    const { server } = setup();
    const limit = server.services.config.authFailureLimit;
    for (let attempt = 0; attempt < limit; attempt += 1) {
      const refused = await server.call('GET', '/v1/clusters', {
        as: null,
        headers: { authorization: 'Bearer kbk_guess' },
      });
      expect(refused.status).toBe(401);
    }
    const blocked = await server.call('GET', '/v1/clusters', {
      headers: { authorization: 'Bearer kbk_guess' },
    });
    expect(blocked.status).toBe(429);
  });
});
