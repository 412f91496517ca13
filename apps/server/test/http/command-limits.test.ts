import { afterEach, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

import { commandResponseSchema, errorBodySchema } from '@kubently/protocol';
import type { ErrorBody } from '@kubently/protocol';

import { createServerClusterGateway } from '../../src/agent/server-cluster-gateway.js';
import type { ConfigOverrides } from '../../src/config.js';
import { createFakeClock } from '../support/fake-clock.js';
import { createFakeTimers } from '../support/fake-timers.js';
import type { FakeTimers } from '../support/fake-timers.js';
import { createTestServer, keys } from '../support/test-server.js';
import type { KeyName, TestServer } from '../support/test-server.js';

let server: TestServer;
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await server.close();
});

/**
 * A server whose deadlines and graces only pass when the test says so: a queued command stays
 * queued (and holds its slot) until it is answered or the test advances time.
 */
const limitedServer = (config: ConfigOverrides = {}): { timers: FakeTimers } => {
  const clock = createFakeClock();
  const timers = createFakeTimers(clock);
  server = createTestServer(config, { clock, timers });
  return { timers };
};

const run = (as: KeyName, query = '?wait=false', clusterId = 'prod') =>
  server.call('POST', `/v1/commands${query}`, { as, body: { clusterId, args: ['get', 'pods'] } });

const refusal = async (response: Response): Promise<ErrorBody['error']> =>
  errorBodySchema.parse(await response.json()).error;

const inFlight = async (identity: string): Promise<number> =>
  (await server.services.state.quotas.usage(identity)).inFlight;

describe('command limits', { timeout: 20_000 }, () => {
  it('40 queued commands from one operator key: 16 are queued, the rest answered 429 naming the limit, with Retry-After; others are not held back', async () => {
    limitedServer();
    const token = await server.createCluster();
    const answers = await Promise.all(Array.from({ length: 40 }, () => run('operator')));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(16);
    expect(statuses.filter((status) => status === 429)).toHaveLength(24);
    const refused = answers.find((answer) => answer.status === 429);
    expect(refused?.headers.get('retry-after')).toBe('5');
    const error = await refusal(refused ?? new Response());
    expect(error).toMatchObject({
      code: 'rate_limited',
      details: {
        limit: 'commands-in-flight-per-identity',
        max: 16,
        current: 16,
        variable: 'KUBENTLY_MAX_COMMANDS_IN_FLIGHT_PER_IDENTITY',
        retryAfterSeconds: 5,
        identity: 'oncall',
      },
    });
    expect(error.message).toContain('KUBENTLY_MAX_COMMANDS_IN_FLIGHT_PER_IDENTITY=16');
    expect(error.message).toContain('already has 16 commands queued or running');
    // Refused commands were never created nor queued.
    expect(await server.services.state.queue.depth('prod')).toEqual({ queued: 16, pending: 0 });
    expect((await run('partner')).status).toBe(202);

    // A command that ends frees its slot at once.
    const executor = await server.connectExecutor(token);
    const first = await executor.nextCommand();
    await executor.postResult(first.id);
    expect(await inFlight('oncall')).toBe(15);
    expect((await run('operator')).status).toBe(202);
    expect((await run('operator')).status).toBe(429);
  });

  it('a waited command frees its slot when it ends, so its caller can go on at once', async () => {
    limitedServer({ maxCommandsInFlightPerIdentity: 1 });
    const executor = await server.connectExecutor(await server.createCluster());
    for (let round = 0; round < 3; round += 1) {
      const answer = run('operator', '');
      const command = await executor.nextCommand();
      await executor.postResult(command.id);
      expect((await answer).status).toBe(200);
      expect(await inFlight('oncall')).toBe(0);
    }
  });

  it("caps a cluster's queue of undelivered commands: 503 capacity_exceeded naming the limit, other clusters unaffected", async () => {
    limitedServer({ maxQueuedCommandsPerCluster: 3 });
    const token = await server.createCluster('prod');
    await server.createCluster('staging');
    for (const as of ['operator', 'operator', 'partner'] as const) expect((await run(as)).status).toBe(202);
    const full = await run('admin');
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('5');
    const error = await refusal(full);
    expect(error).toMatchObject({
      code: 'capacity_exceeded',
      details: {
        limit: 'queued-commands-per-cluster',
        max: 3,
        current: 3,
        clusterId: 'prod',
        variable: 'KUBENTLY_MAX_QUEUED_COMMANDS_PER_CLUSTER',
      },
    });
    expect(error.message).toContain('KUBENTLY_MAX_QUEUED_COMMANDS_PER_CLUSTER=3');
    expect((await run('admin', '?wait=false', 'staging')).status).toBe(202);
    // Delivered commands are no longer queued: the cluster takes new ones.
    const executor = await server.connectExecutor(token);
    await executor.nextCommand();
    expect((await run('admin')).status).toBe(202);
  });

  it('keeps a result whole past the per-identity byte budget, then refuses that identity (429) until the result expires', async () => {
    const { timers } = limitedServer({ maxResultBytesPerIdentity: 4096, resultTtlSeconds: 600 });
    const executor = await server.connectExecutor(await server.createCluster());
    const big = 'x'.repeat(5000);
    const answer = run('operator', '');
    const command = await executor.nextCommand();
    await executor.postResult(command.id, { stdout: big, stderr: 'warn' });
    const result = commandResponseSchema.parse(await (await answer).json());
    expect(result.stdout).toBe(big);
    expect(result.truncated).toBe(false);

    const refused = await run('operator');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('600');
    const error = await refusal(refused);
    expect(error).toMatchObject({
      code: 'rate_limited',
      details: {
        limit: 'result-bytes-per-identity',
        max: 4096,
        current: 5004,
        variable: 'KUBENTLY_MAX_RESULT_BYTES_PER_IDENTITY',
        retryAfterSeconds: 600,
      },
    });
    expect(error.message).toContain('KUBENTLY_MAX_RESULT_BYTES_PER_IDENTITY=4096');
    expect(await server.services.state.queue.depth('prod')).toEqual({ queued: 0, pending: 0 });
    // The kept result is still whole, and another identity is not held back.
    expect(
      commandResponseSchema.parse(await (await server.call('GET', `/v1/commands/${command.id}`)).json())
        .stdout,
    ).toBe(big);
    expect((await run('partner')).status).toBe(202);

    timers.advance(600_000);
    expect((await server.services.state.quotas.usage('oncall')).resultBytes).toBe(0);
    expect((await run('operator')).status).toBe(202);
  });

  it('refuses everyone with 503 capacity_exceeded once all kept results reach the total budget', async () => {
    limitedServer({ maxResultBytesTotal: 8192 });
    const executor = await server.connectExecutor(await server.createCluster());
    for (const [as, size] of [
      ['operator', 5000],
      ['partner', 4000],
    ] as const) {
      const answer = run(as, '');
      const command = await executor.nextCommand();
      await executor.postResult(command.id, { stdout: 'y'.repeat(size) });
      expect((await answer).status).toBe(200);
    }
    const refused = await run('admin');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('600');
    expect(await refusal(refused)).toMatchObject({
      code: 'capacity_exceeded',
      details: {
        limit: 'result-bytes-total',
        max: 8192,
        current: 9000,
        variable: 'KUBENTLY_MAX_RESULT_BYTES_TOTAL',
      },
    });
  });

  it('applies the same limits on the seed alias, MCP and the agent gateway, each in its own error shape', async () => {
    limitedServer({ maxCommandsInFlightPerIdentity: 1 });
    await server.createCluster();
    expect((await run('operator')).status).toBe(202);

    const seed = await server.call('POST', '/debug/execute', {
      as: 'operator',
      body: { cluster_id: 'prod', command_type: 'get', args: ['pods'] },
    });
    expect(seed.status).toBe(429);
    expect(seed.headers.get('retry-after')).not.toBeNull();
    expect((await refusal(seed)).details).toMatchObject({ limit: 'commands-in-flight-per-identity', max: 1 });

    const transport = new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
      fetch: (url, init) => Promise.resolve(server.app.request(String(url), init)),
      requestInit: { headers: { 'x-api-key': keys.operator } },
    });
    const client = new Client({ name: 'limits-test', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    const tool = await client.callTool({
      name: 'execute_kubectl',
      arguments: { clusterId: 'prod', args: ['get', 'pods'] },
    });
    expect(tool.isError).toBe(true);
    const text = tool.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    expect(text).toMatch(/^rate_limited: identity "oncall" already has 1 commands queued or running/);
    expect(text).toContain('KUBENTLY_MAX_COMMANDS_IN_FLIGHT_PER_IDENTITY');

    const gateway = createServerClusterGateway({
      clusters: server.services.clusters,
      commands: server.services.commands,
      caller: { identity: 'oncall', role: 'operator' },
      correlationId: 'corr-limits',
      source: 'agent',
    });
    const refused = await gateway.runKubectl({
      clusterId: 'prod',
      args: ['get', 'pods'],
      signal: new AbortController().signal,
    });
    expect(refused).toMatchObject({ type: 'failure', code: 'rate_limited' });
    expect(refused.type === 'failure' ? refused.message : '').toContain('retry after');
  });
});
