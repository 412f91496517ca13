import { afterEach, describe, expect, it } from 'vitest';

import { errorBodySchema } from '@kubently/protocol';
import type { CommandResult } from '@kubently/protocol';

import { SseReader } from '../support/sse-reader.js';
import { createTestServer, tick } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

let server: TestServer;

afterEach(async () => {
  await server.close();
});

const resultOf = (commandId: string, stdout: string, executorId?: string): CommandResult => ({
  commandId,
  exitCode: 0,
  stdout,
  stderr: '',
  durationMs: 1,
  truncated: false,
  redactions: 0,
  ...(executorId === undefined ? {} : { executorId }),
});

/** A result posted with the cluster token, as `executorId` (X-Executor-ID) or with no id at all. */
const post = (
  path: '/v1/executor/results' | '/executor/results',
  token: string,
  body: unknown,
  executorId: string | null,
): Promise<Response> =>
  Promise.resolve(
    server.app.request(path, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(executorId === null ? {} : { 'x-executor-id': executorId }),
      },
      body: JSON.stringify(body),
    }),
  );

const errorOf = async (response: Response) => errorBodySchema.parse(await response.json()).error;

const commandStatus = async (id: string): Promise<unknown> =>
  ((await (await server.call('GET', `/v1/commands/${id}`)).json()) as { status: string }).status;

describe('results: only the executor a command was delivered to answers it', { timeout: 20_000 }, () => {
  it('refuses another executor of the cluster (403, whatever the body claims) and keeps the command for its own', async () => {
    server = createTestServer();
    const token = await server.createCluster();
    const owner = await server.connectExecutor(token, { executorId: 'ex-owner' });
    const pending = server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get', 'pods'] },
    });
    const command = await owner.nextCommand();

    // Same cluster token, another X-Executor-ID, the owner's id in the body: refused.
    const forged = await post(
      '/v1/executor/results',
      token,
      resultOf(command.id, 'forged output', 'ex-owner'),
      'ex-intruder',
    );
    expect(forged.status).toBe(403);
    const error = await errorOf(forged);
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain('delivered to another executor');
    expect(error.message).toContain('stop retrying');
    expect(await commandStatus(command.id)).toBe('running');

    expect((await owner.postResult(command.id, { stdout: 'real output' })).status).toBe(200);
    expect(await (await pending).json()).toMatchObject({ status: 'succeeded', stdout: 'real output' });
  });

  it('refuses a result for a command not delivered yet (409) and delivers it afterwards as usual', async () => {
    server = createTestServer({ executorGraceMs: 5000 });
    const token = await server.createCluster();
    const queued = await server.call('POST', '/v1/commands?wait=false', {
      body: { clusterId: 'prod', args: ['get', 'nodes'] },
    });
    const { id } = (await queued.json()) as { id: string };
    const early = await post('/v1/executor/results', token, resultOf(id, 'made up'), 'ex-1');
    expect(early.status).toBe(409);
    const error = await errorOf(early);
    expect(error.code).toBe('conflict');
    expect(error.message).toContain('never delivered');
    expect(await commandStatus(id)).toBe('queued');

    const executor = await server.connectExecutor(token, { executorId: 'ex-1' });
    expect((await executor.nextCommand()).id).toBe(id);
    expect((await executor.postResult(id, { stdout: 'listed' })).status).toBe(200);
    expect(await (await server.call('GET', `/v1/commands/${id}`)).json()).toMatchObject({
      status: 'succeeded',
      stdout: 'listed',
    });
  });

  it('records the authenticated executor on the result, not the one the body names', async () => {
    server = createTestServer();
    const token = await server.createCluster();
    const executor = await server.connectExecutor(token, { executorId: 'ex-1' });
    const pending = server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get', 'pods'] },
    });
    const command = await executor.nextCommand();
    expect((await executor.postResult(command.id, { executorId: 'someone-else' })).status).toBe(200);
    expect((await pending).status).toBe(200);
    const stored = await server.services.state.commands.get(command.id);
    expect(stored?.result?.executorId).toBe('ex-1');
  });

  it('a command re-sent to the same executor after it reconnects is still answered by it', async () => {
    server = createTestServer();
    const token = await server.createCluster();
    const first = await server.connectExecutor(token, { executorId: 'ex-1' });
    const pending = server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get', 'pods'] },
    });
    const command = await first.nextCommand();
    await first.disconnect();
    const again = await server.connectExecutor(token, { executorId: 'ex-1' });
    expect((await again.nextCommand()).id).toBe(command.id);
    expect((await again.postResult(command.id, { stdout: 'after reconnect' })).status).toBe(200);
    expect(await (await pending).json()).toMatchObject({ status: 'succeeded', stdout: 'after reconnect' });
  });

  it('/v1 results need X-Executor-ID; an executor may not call itself "anonymous-…"', async () => {
    server = createTestServer();
    const token = await server.createCluster();
    const executor = await server.connectExecutor(token, { executorId: 'ex-1' });
    const pending = server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get', 'pods'] },
    });
    const command = await executor.nextCommand();
    const missing = await post('/v1/executor/results', token, resultOf(command.id, 'x'), null);
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).message).toContain('X-Executor-ID');
    const reserved = await post('/v1/executor/results', token, resultOf(command.id, 'x'), 'anonymous-1');
    expect(reserved.status).toBe(400);
    expect((await errorOf(reserved)).message).toContain('reserved');
    const stream = await server.app.request('/v1/executor/stream', {
      headers: { authorization: `Bearer ${token}`, 'x-executor-id': 'anonymous-1' },
    });
    expect(stream.status).toBe(400);
    expect((await executor.postResult(command.id)).status).toBe(200);
    expect((await pending).status).toBe(200);
  });
});

describe('results: the seed protocol (no X-Executor-ID)', { timeout: 20_000 }, () => {
  const seedResult = (commandId: string, output: string) => ({
    command_id: commandId,
    success: true,
    output,
  });

  it('answers the commands its stream got, never one delivered to an identified executor', async () => {
    server = createTestServer();
    const token = await server.createCluster();
    const stream = await server.app.request('/executor/stream', {
      headers: { authorization: `Bearer ${token}` },
    });
    const reader = new SseReader(stream.body!);
    expect((await reader.nextFrame())?.event).toBe('connected');
    const seedPending = server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get', 'pods'] },
    });
    const seedCommand = JSON.parse((await reader.nextFrame())?.data ?? '{}') as { id: string };
    // The stream and the results are separate requests with different made-up ids: still accepted.
    expect(
      (await post('/executor/results', token, seedResult(seedCommand.id, 'seed ran it'), null)).status,
    ).toBe(200);
    expect(await (await seedPending).json()).toMatchObject({ status: 'succeeded', stdout: 'seed ran it' });
    await reader.cancel();
    await tick(20);

    const executor = await server.connectExecutor(token, { executorId: 'ex-1' });
    const pending = server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get', 'nodes'] },
    });
    const command = await executor.nextCommand();
    const forged = await post('/executor/results', token, seedResult(command.id, 'forged'), null);
    expect(forged.status).toBe(403);
    expect((await errorOf(forged)).message).toContain('without X-Executor-ID');
    expect(await commandStatus(command.id)).toBe('running');
    expect((await executor.postResult(command.id, { stdout: 'real' })).status).toBe(200);
    expect(await (await pending).json()).toMatchObject({ status: 'succeeded', stdout: 'real' });
  });

  it('a seed executor that sends X-Executor-ID answers only its own commands', async () => {
    server = createTestServer();
    const token = await server.createCluster();
    const stream = await server.app.request('/executor/stream', {
      headers: { authorization: `Bearer ${token}`, 'x-executor-id': 'seed-1' },
    });
    const reader = new SseReader(stream.body!);
    await reader.nextFrame();
    const pending = server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get', 'pods'] },
    });
    const command = JSON.parse((await reader.nextFrame())?.data ?? '{}') as { id: string };
    expect((await post('/executor/results', token, seedResult(command.id, 'anon'), null)).status).toBe(403);
    expect((await post('/executor/results', token, seedResult(command.id, 'other'), 'seed-2')).status).toBe(
      403,
    );
    expect((await post('/executor/results', token, seedResult(command.id, 'mine'), 'seed-1')).status).toBe(
      200,
    );
    expect(await (await pending).json()).toMatchObject({ status: 'succeeded', stdout: 'mine' });
    await reader.cancel();
  });
});
