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
    expect(await (await server.call('GET', `/v1/sessions/${session.id}`, { as: 'operator' })).json()).toEqual(
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

  it("is its owner's: to another operator or a viewer it does not exist, and they cannot close it, run in it or slide its TTL; an admin can", async () => {
    const clock = createFakeClock(Date.now());
    server = createTestServer({}, { clock });
    const executor = await server.connectExecutor(await server.createCluster());
    const session = (await (
      await server.call('POST', '/v1/sessions', {
        as: 'operator',
        body: { clusterId: 'prod', ttlSeconds: 60 },
      })
    ).json()) as Session;
    expect((await executor.reader.nextFrame())?.event).toBe('session-started');
    const unknown = 'no-such-session';
    const answerOf = async (response: Response, id: string) => {
      const body = (await response.json()) as ErrorBody;
      return [response.status, body.error.code, body.error.message.replace(id, '<id>')];
    };
    clock.advance(30_000);
    for (const as of ['partner', 'viewer'] as const) {
      for (const id of [session.id, unknown]) {
        expect(await answerOf(await server.call('GET', `/v1/sessions/${id}`, { as }), id)).toEqual([
          404,
          'session_not_found',
          'session "<id>" does not exist or has expired; open one with POST /v1/sessions',
        ]);
      }
    }
    expect(
      await answerOf(
        await server.call('DELETE', `/v1/sessions/${session.id}`, { as: 'partner' }),
        session.id,
      ),
    ).toEqual(
      await answerOf(await server.call('DELETE', `/v1/sessions/${unknown}`, { as: 'partner' }), unknown),
    );
    const run = (as: 'partner' | 'admin', sessionId: string) =>
      server.call('POST', '/v1/commands?wait=false', {
        as,
        body: { clusterId: 'prod', args: ['get', 'pods'], sessionId },
      });
    expect(await answerOf(await run('partner', session.id), session.id)).toEqual(
      await answerOf(await run('partner', unknown), unknown),
    );
    // Nothing of the partner's was queued, and the session's TTL did not slide.
    expect(await server.services.state.queue.depth('prod')).toEqual({ queued: 0, pending: 0 });
    const owned = (await (
      await server.call('GET', `/v1/sessions/${session.id}`, { as: 'operator' })
    ).json()) as Session;
    expect(owned.expiresAt).toBe(session.expiresAt);
    // An admin sees it, runs in it, and closes it.
    expect((await server.call('GET', `/v1/sessions/${session.id}`, { as: 'admin' })).status).toBe(200);
    expect((await run('admin', session.id)).status).toBe(202);
    expect((await executor.nextCommand()).sessionId).toBe(session.id);
    expect((await server.call('DELETE', `/v1/sessions/${session.id}`, { as: 'admin' })).status).toBe(204);
  });
});
