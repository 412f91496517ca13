import { afterEach, describe, expect, it } from 'vitest';

import {
  auditListSchema,
  commandCheckResponseSchema,
  commandFeedEventSchema,
  errorBodySchema,
  issuedKeySchema,
  whoamiSchema,
} from '@kubently/protocol';
import type { CommandFeedEvent } from '@kubently/protocol';

import { createTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';
import { SseReader } from '../support/sse-reader.js';

let server: TestServer;

afterEach(async () => {
  await server.close();
});

const check = (body: Record<string, unknown>, as: 'admin' | 'operator' | 'viewer' = 'operator') =>
  server.call('POST', '/v1/commands/check', { as, body: { clusterId: 'prod', ...body } });

/** Opens the feed as `key` and returns a reader past the `connected` comment. */
const openFeed = async (headers: Record<string, string>, query = ''): Promise<SseReader> => {
  const response = await server.app.request(`/v1/commands/stream${query}`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  if (response.body === null) throw new Error('the feed has no body');
  const reader = new SseReader(response.body);
  expect((await reader.next())?.comment).toBe('connected');
  return reader;
};

const nextEvent = async (reader: SseReader): Promise<CommandFeedEvent> => {
  const frame = await reader.nextFrame(2000);
  return commandFeedEventSchema.parse(JSON.parse(frame?.data ?? 'null'));
};

/** Runs `get pods` as the operator through a fake executor, to completion. */
const runAsOperator = async (args: string[]): Promise<void> => {
  const executor = await server.connectExecutor(await server.createCluster());
  const pending = server.call('POST', '/v1/commands', { as: 'operator', body: { clusterId: 'prod', args } });
  const command = await executor.nextCommand();
  await executor.postResult(command.id, { stdout: 'pod-1 Running' });
  expect((await pending).status).toBe(200);
};

describe('GET /v1/whoami', () => {
  it('names the caller, its role, scope and permissions, for every role', async () => {
    server = createTestServer();
    const admin = whoamiSchema.parse(await (await server.call('GET', '/v1/whoami')).json());
    expect(admin).toMatchObject({ identity: 'root', role: 'admin', clusters: null });
    expect(admin.permissions).toContain('audit:read');
    const viewer = whoamiSchema.parse(
      await (await server.call('GET', '/v1/whoami', { as: 'viewer' })).json(),
    );
    expect(viewer).toMatchObject({ identity: 'auditor', role: 'viewer' });
    expect(viewer.permissions).toEqual(['clusters:read', 'sessions:read', 'commands:read']);
    const operator = whoamiSchema.parse(
      await (await server.call('GET', '/v1/whoami', { as: 'operator' })).json(),
    );
    expect(operator.permissions).toContain('commands:run');
    expect(operator.permissions).not.toContain('audit:read');
  });

  it('answers 401 without a key and shows a managed key its cluster scope', async () => {
    server = createTestServer();
    expect((await server.call('GET', '/v1/whoami', { as: null })).status).toBe(401);
    const issued = issuedKeySchema.parse(
      await (
        await server.call('POST', '/v1/keys', {
          body: { identity: 'scoped', role: 'operator', clusters: ['prod'] },
        })
      ).json(),
    );
    const response = await server.app.request('/v1/whoami', { headers: { 'x-api-key': issued.key } });
    expect(whoamiSchema.parse(await response.json())).toMatchObject({
      identity: 'scoped',
      clusters: ['prod'],
    });
  });
});

describe('POST /v1/commands/check', () => {
  it("gives the policy's verdict with the argv it sees, without queueing or auditing", async () => {
    server = createTestServer();
    await server.createCluster();
    const allowed = await check({ command: 'get pods', namespace: 'web' });
    expect(allowed.status).toBe(200);
    expect(commandCheckResponseSchema.parse(await allowed.json())).toEqual({
      clusterId: 'prod',
      verdict: 'allowed',
      argv: ['get', 'pods', '--namespace=web'],
      reason: null,
    });
    const denied = commandCheckResponseSchema.parse(
      await (await check({ args: ['delete', 'pod', 'x'] })).json(),
    );
    expect(denied.verdict).toBe('denied');
    expect(denied.reason).toMatch(/delete/);
    const audit = auditListSchema.parse(await (await server.call('GET', '/v1/audit')).json());
    expect(audit.records).toEqual([]);
  });

  it('refuses a viewer (403), an unknown cluster (404), a cluster outside the key scope (404) and bad input (400)', async () => {
    server = createTestServer();
    await server.createCluster();
    await server.createCluster('staging');
    expect((await check({ command: 'get pods' }, 'viewer')).status).toBe(403);
    const unknown = await check({ clusterId: 'nope', command: 'get pods' });
    expect(unknown.status).toBe(404);
    expect(errorBodySchema.parse(await unknown.json()).error.code).toBe('cluster_not_found');
    const issued = issuedKeySchema.parse(
      await (
        await server.call('POST', '/v1/keys', {
          body: { identity: 'scoped', role: 'operator', clusters: ['prod'] },
        })
      ).json(),
    );
    const outside = await server.app.request('/v1/commands/check', {
      method: 'POST',
      headers: { 'x-api-key': issued.key, 'content-type': 'application/json' },
      body: JSON.stringify({ clusterId: 'staging', command: 'get pods' }),
    });
    expect(outside.status).toBe(404);
    const unbalanced = await check({ command: 'get pods -l "app=web' });
    expect(unbalanced.status).toBe(400);
    expect(errorBodySchema.parse(await unbalanced.json()).error.code).toBe('validation_failed');
  });
});

describe('GET /v1/commands/stream', { timeout: 20_000 }, () => {
  it("streams each command's audit record (argv and outcome, no output) to its owner and to admins", async () => {
    server = createTestServer();
    const operatorFeed = await openFeed({ 'x-api-key': 'operator-key-0123456789abcdef' });
    const adminFeed = await openFeed({ 'x-api-key': 'admin-key-0123456789abcdef' });
    const partnerFeed = await openFeed({ 'x-api-key': 'partner-key-0123456789abcdef' });
    await runAsOperator(['get', 'pods']);
    await server.services.commandFeed.poll();
    for (const feed of [operatorFeed, adminFeed]) {
      const event = await nextEvent(feed);
      if (event.type !== 'command') throw new Error(`expected a command, got ${event.type}`);
      expect(event.record).toMatchObject({
        identity: 'oncall',
        clusterId: 'prod',
        argv: ['get', 'pods'],
        decision: 'allowed',
        outcome: 'succeeded',
      });
      expect(JSON.stringify(event)).not.toContain('pod-1 Running');
    }
    // Another operator sees nothing of it: the next thing on its feed is a keepalive or nothing.
    await expect(partnerFeed.nextFrame(300)).rejects.toThrow(/no SSE event in time/);
    await Promise.all([operatorFeed.cancel(), adminFeed.cancel(), partnerFeed.cancel()]);
  });

  it('shows a denial as it happens and replays recent visible records to a new listener', async () => {
    server = createTestServer();
    await server.createCluster();
    const feed = await openFeed({ 'x-api-key': 'operator-key-0123456789abcdef' });
    const denied = await server.call('POST', '/v1/commands', {
      as: 'operator',
      body: { clusterId: 'prod', args: ['delete', 'pod', 'x'] },
    });
    expect(denied.status).toBe(422);
    await server.services.commandFeed.poll();
    const event = await nextEvent(feed);
    expect(event).toMatchObject({ type: 'command', record: { decision: 'denied', outcome: 'denied' } });
    await feed.cancel();
    const later = await openFeed({ 'x-api-key': 'operator-key-0123456789abcdef' });
    expect(await nextEvent(later)).toMatchObject({ record: { argv: ['delete', 'pod', 'x'] } });
    await later.cancel();
    const admin = await openFeed({ 'x-api-key': 'admin-key-0123456789abcdef' }, '?clusterId=other');
    await expect(admin.nextFrame(300)).rejects.toThrow(/no SSE event in time/);
    await admin.cancel();
  });

  it('answers 401 without a key and 400 for an unknown query parameter', async () => {
    server = createTestServer();
    expect((await server.call('GET', '/v1/commands/stream', { as: null })).status).toBe(401);
    const bad = await server.call('GET', '/v1/commands/stream?cluster=prod');
    expect(bad.status).toBe(400);
    expect(errorBodySchema.parse(await bad.json()).error.message).toMatch(/clusterId/);
  });

  it('ends open feeds when the server closes', async () => {
    server = createTestServer();
    const feed = await openFeed({ 'x-api-key': 'admin-key-0123456789abcdef' });
    await server.services.close();
    expect(await feed.nextFrame(2000)).toBeUndefined();
  });
});
