import { afterEach, describe, expect, it } from 'vitest';

import { cancelFrameSchema, commandResponseSchema, resultAckSchema } from '@kubently/protocol';

import { createTestServer, keys } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

let server: TestServer;

afterEach(async () => {
  await server.close();
});

describe('cancelling a delivered command', { timeout: 20_000 }, () => {
  it('a caller that goes away: the command fails once, its executor gets `cancel`, the late result is acked and dropped', async () => {
    server = createTestServer();
    const token = await server.createCluster();
    const executor = await server.connectExecutor(token);
    const caller = new AbortController();
    const request = Promise.resolve(
      server.app.request('/v1/commands', {
        method: 'POST',
        headers: { 'x-api-key': keys.operator, 'content-type': 'application/json' },
        body: JSON.stringify({ clusterId: 'prod', args: ['get', 'pods'], timeoutSeconds: 30 }),
        signal: caller.signal,
      }),
    ).catch(() => null);
    const command = await executor.nextCommand();
    // Another executor of the cluster, connected after delivery: it never holds the command.
    const idle = await server.connectExecutor(token, { executorId: 'executor-2' });
    const holder = { executor, command };
    caller.abort();
    await request;
    const frame = await holder.executor.reader.nextFrame();
    expect(frame?.event).toBe('cancel');
    expect(cancelFrameSchema.parse(JSON.parse(frame?.data ?? '{}'))).toEqual({
      type: 'cancel',
      commandId: holder.command.id,
      reason: 'the caller went away while the command was running; the executor was asked to stop it',
    });
    const ack = await holder.executor.postResult(holder.command.id, {
      exitCode: 143,
      failure: { code: 'executor_error', message: 'cancelled by the server' },
    });
    expect(resultAckSchema.parse(await ack.json())).toMatchObject({ accepted: true, duplicate: false });
    const record = commandResponseSchema.parse(
      await (await server.call('GET', `/v1/commands/${holder.command.id}`)).json(),
    );
    expect(record).toMatchObject({ status: 'failed', failure: { code: 'executor_error' } });
    expect(record.failure?.message).toMatch(/caller went away while the command was running/);
    expect(record.exitCode).toBeUndefined();
    const audit = await server.services.state.audit.query({ limit: 10 });
    expect(audit.map((entry) => entry.outcome)).toEqual(['failed']);
    // The other executor got nothing (keepalive comments at most).
    await expect(idle.reader.nextFrame(300)).rejects.toThrow(/no SSE event in time/);
  });

  it('X-Request-Timeout shorter than the command: 504, then `cancel` naming the wait', async () => {
    server = createTestServer();
    const token = await server.createCluster();
    const executor = await server.connectExecutor(token);
    const answer = server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get', 'pods'], timeoutSeconds: 30 },
      headers: { 'x-request-timeout': '1' },
    });
    const command = await executor.nextCommand();
    expect((await answer).status).toBe(504);
    const frame = await executor.reader.nextFrame();
    expect(frame?.event).toBe('cancel');
    expect(cancelFrameSchema.parse(JSON.parse(frame?.data ?? '{}'))).toMatchObject({
      commandId: command.id,
      reason: expect.stringMatching(/no result within 1 s/) as unknown,
    });
  });

  it('a command that finished with a result is never cancelled', async () => {
    server = createTestServer();
    const token = await server.createCluster();
    const executor = await server.connectExecutor(token);
    const answer = server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get', 'pods'] },
    });
    const command = await executor.nextCommand();
    await executor.postResult(command.id);
    expect((await answer).status).toBe(200);
    await expect(executor.reader.nextFrame(300)).rejects.toThrow(/no SSE event in time/);
  });
});

describe('a caller that goes away before delivery', { timeout: 20_000 }, () => {
  it('withdraws the queued command and settles the caller with the failed record (no hang)', async () => {
    // No executor connects within the grace, so the command stays queued until the caller leaves.
    server = createTestServer({ executorGraceMs: 15_000 });
    await server.createCluster();
    const caller = new AbortController();
    const submitted = server.services.commands.submit({
      clusterId: 'prod',
      args: ['get', 'pods'],
      timeoutSeconds: 30,
      caller: { identity: 'oncall', role: 'operator' },
      correlationId: 'corr-withdrawn',
      source: 'agent',
      wait: true,
      signal: caller.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    caller.abort();
    const record = await submitted;
    expect(record.status).toBe('failed');
    expect(record.failure?.message).toMatch(/caller went away before the command was delivered/);
    const audit = await server.services.state.audit.query({ limit: 10 });
    expect(audit.map((entry) => entry.outcome)).toEqual(['failed']);
  });
});
