import { afterEach, describe, expect, it } from 'vitest';

import type { ErrorBody, Session } from '@kubently/protocol';

import { createFakeClock } from '../support/fake-clock.js';
import { createTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

let server: TestServer;

afterEach(async () => {
  await server.close();
});

describe('sessions', { timeout: 20_000 }, () => {
  it('opens, reads and closes a session; the executor hears both ends', async () => {
    server = createTestServer();
    const executor = await server.connectExecutor(await server.createCluster());
    const created = await server.call('POST', '/v1/sessions', {
      as: 'operator',
      body: { clusterId: 'prod', ttlSeconds: 120, correlationId: 'case-9' },
    });
    expect(created.status).toBe(201);
    const session = (await created.json()) as Session;
    expect(session).toMatchObject({
      clusterId: 'prod',
      identity: 'oncall',
      correlationId: 'case-9',
      ttlSeconds: 120,
    });
    const started = await executor.reader.nextFrame();
    expect(started?.event).toBe('session-started');
    expect(JSON.parse(started?.data ?? '{}')).toMatchObject({
      type: 'session-started',
      sessionId: session.id,
      expiresAt: session.expiresAt,
    });
    expect(await (await server.call('GET', `/v1/sessions/${session.id}`, { as: 'viewer' })).json()).toEqual(
      session,
    );
    expect((await server.call('DELETE', `/v1/sessions/${session.id}`, { as: 'operator' })).status).toBe(204);
    const ended = await executor.reader.nextFrame();
    expect(JSON.parse(ended?.data ?? '{}')).toMatchObject({
      type: 'session-ended',
      sessionId: session.id,
      reason: 'closed',
    });
    const gone = await server.call('GET', `/v1/sessions/${session.id}`);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as ErrorBody).error.code).toBe('session_not_found');
  });

  it('uses the default TTL of 300 s and refuses an unknown cluster', async () => {
    server = createTestServer();
    await server.createCluster();
    const session = (await (
      await server.call('POST', '/v1/sessions', { body: { clusterId: 'prod' } })
    ).json()) as Session;
    expect(session.ttlSeconds).toBe(300);
    expect((await server.call('POST', '/v1/sessions', { body: { clusterId: 'nope' } })).status).toBe(404);
  });

  it('slides the TTL with each command and ends the session when it runs out', async () => {
    const clock = createFakeClock(Date.now());
    server = createTestServer({}, { clock });
    const executor = await server.connectExecutor(await server.createCluster());
    const session = (await (
      await server.call('POST', '/v1/sessions', { body: { clusterId: 'prod', ttlSeconds: 60 } })
    ).json()) as Session;
    await executor.reader.nextFrame();
    clock.advance(50_000);
    const pending = server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get', 'pods'], sessionId: session.id },
    });
    const command = await executor.nextCommand();
    expect(command.sessionId).toBe(session.id);
    await executor.postResult(command.id);
    expect((await pending).status).toBe(200);
    const slid = (await (await server.call('GET', `/v1/sessions/${session.id}`)).json()) as Session;
    expect(Date.parse(slid.expiresAt)).toBe(clock.now() + 60_000);
    clock.advance(60_000);
    expect(await server.services.sessions.expire()).toBe(1);
    const ended = await executor.reader.nextFrame();
    expect(JSON.parse(ended?.data ?? '{}')).toMatchObject({ type: 'session-ended', reason: 'expired' });
    expect((await server.call('GET', `/v1/sessions/${session.id}`)).status).toBe(404);
  });
});
