import { afterEach, describe, expect, it } from 'vitest';

import { parseAgentConfig } from '@kubently/agent';

import { scriptedModel } from '../../../../packages/agent/test/support/scripted-model.js';
import { checkMetrics, Scrape } from '../../../../test/support/prometheus-text.js';
import { BoundedLabel, verbLabelOf } from '../../src/telemetry/index.js';
import { createFakeClock } from '../support/fake-clock.js';
import { createTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

const metricsToken = 'metrics-token-0123456789abcdef';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const scrape = async (running: TestServer): Promise<Scrape> => {
  const response = await running.call('GET', '/metrics', {
    as: null,
    headers: { authorization: `Bearer ${metricsToken}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return Scrape.parse(await response.text());
};

describe('labels', () => {
  it('keeps the first N cluster ids and folds the rest into other', () => {
    const label = new BoundedLabel(2);
    expect(['a', 'b', 'c', 'a', 'd', 'b'].map((id) => label.of(id))).toEqual([
      'a',
      'b',
      'other',
      'a',
      'other',
      'b',
    ]);
  });

  it('takes the verb from kubectl commands only', () => {
    expect(verbLabelOf(['get', 'pods'])).toBe('get');
    expect(verbLabelOf(['rollout', 'status', 'deploy/web'])).toBe('rollout');
    expect(verbLabelOf(['pods-of-secret-team'])).toBe('other');
    expect(verbLabelOf([])).toBe('other');
  });
});

describe('GET /metrics on the main port', () => {
  it('is not served without KUBENTLY_METRICS_TOKEN, and needs the bearer token with it', async () => {
    server = createTestServer();
    const off = await server.call('GET', '/metrics', { as: null });
    expect(off.status).toBe(404);
    expect(await off.text()).toContain('KUBENTLY_METRICS_PORT');
    await server.close();
    server = createTestServer({ metricsToken });
    expect((await server.call('GET', '/metrics', { as: null })).status).toBe(401);
    const wrong = { authorization: 'Bearer metrics-token-0123456789abcdeX' };
    expect((await server.call('GET', '/metrics', { as: null, headers: wrong })).status).toBe(401);
    // An API key is no metrics credential.
    expect((await server.call('GET', '/metrics', { as: 'admin' })).status).toBe(401);
    await scrape(server);
  });
});

describe('server metrics after real traffic', () => {
  it('move as the traffic did, with bounded labels, and pass promtool check metrics', async () => {
    const clock = createFakeClock();
    const { model } = scriptedModel([{ text: 'Root cause: none.', usage: { input: 50, output: 7 } }]);
    server = createTestServer(
      {
        metricsToken,
        metricsMaxClusters: 2,
        executorGraceMs: 60_000,
        maxCommandsInFlightPerIdentity: 1,
        agent: parseAgentConfig({
          KUBENTLY_LLM_PRICE_INPUT_PER_MTOK: '3',
          KUBENTLY_LLM_PRICE_OUTPUT_PER_MTOK: '15',
        }),
      },
      { clock, model },
    );
    const running = server;
    const before = await scrape(running);
    expect(before.count('kubently_command_duration_seconds')).toBe(0);
    expect(before.value('kubently_build_info', { version: '0.1.0' })).toBe(1);

    const token = await running.createCluster('prod');
    await running.createCluster('staging');
    await running.createCluster('dev');
    const executor = await running.connectExecutor(token);

    // Two commands answered after 250 ms (fake clock) each.
    for (const args of [
      ['get', 'pods'],
      ['get', 'nodes'],
    ]) {
      const pending = running.call('POST', '/v1/commands', { body: { clusterId: 'prod', args } });
      const command = await executor.nextCommand();
      clock.advance(250);
      expect((await executor.postResult(command.id)).status).toBe(200);
      expect((await pending).status).toBe(200);
    }
    // Denied by the policy: never queued.
    const denied = await running.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['delete', 'pod', 'web-1'] },
    });
    expect(denied.status).toBe(422);
    // Queued for a cluster without an executor; the same caller's second one meets its limit.
    const queued = await running.call('POST', '/v1/commands?wait=false', {
      as: 'partner',
      body: { clusterId: 'dev', args: ['get', 'pods'] },
    });
    expect(queued.status).toBe(202);
    const limited = await running.call('POST', '/v1/commands?wait=false', {
      as: 'partner',
      body: { clusterId: 'dev', args: ['get', 'pods'] },
    });
    expect(limited.status).toBe(429);
    clock.advance(30_000);
    // Redelivery: the executor drops its stream with a command unanswered and comes back.
    const lost = running.call('POST', '/v1/commands', { body: { clusterId: 'prod', args: ['get', 'svc'] } });
    const first = await executor.nextCommand();
    await executor.disconnect();
    const again = await running.connectExecutor(token);
    expect((await again.nextCommand()).id).toBe(first.id);
    expect((await again.postResult(first.id)).status).toBe(200);
    expect((await lost).status).toBe(200);
    // Bad credentials, twice; none at all, once.
    expect(
      (
        await running.call('GET', '/v1/clusters', {
          headers: { 'x-api-key': 'wrong-key-0123456789' },
          as: null,
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await running.call('GET', '/v1/clusters', {
          headers: { 'x-api-key': 'wrong-key-9876543210' },
          as: null,
        })
      ).status,
    ).toBe(401);
    expect((await running.call('GET', '/v1/clusters', { as: null })).status).toBe(401);
    // One agent run of one model step.
    const answer = await running.services.agent.run({
      caller: { identity: 'oncall', role: 'operator' },
      correlationId: 'corr-agent',
      question: 'is prod fine?',
      conversationId: 'c1',
    });
    expect(answer.type).toBe('final');

    const after = await scrape(running);
    const prodGet = { cluster: 'prod', verb: 'get', outcome: 'succeeded' };
    expect(after.count('kubently_command_duration_seconds', prodGet)).toBe(3);
    const [histogram] = after.samples('kubently_command_duration_seconds', prodGet);
    expect(histogram?.buckets?.['0.1']).toBe('1'); // the redelivered one took no fake time
    expect(histogram?.buckets?.['0.25']).toBe('3');
    expect(Number(histogram?.sum)).toBeCloseTo(0.5);
    expect(after.value('kubently_policy_denials_total', { cluster: 'prod', verb: 'delete' })).toBe(1);
    expect(
      after.value('kubently_limit_rejections_total', {
        limit: 'commands-in-flight-per-identity',
        code: 'rate_limited',
      }),
    ).toBe(1);
    expect(after.value('kubently_auth_failures_total', { surface: 'rest', reason: 'invalid' })).toBe(2);
    expect(after.value('kubently_auth_failures_total', { surface: 'rest', reason: 'missing' })).toBe(1);
    expect(after.value('kubently_command_redeliveries_total', { cluster: 'prod' })).toBe(1);
    expect(after.value('kubently_executor_streams_opened_total', { cluster: 'prod' })).toBe(2);
    expect(after.value('kubently_executor_streams_closed_total', { cluster: 'prod' })).toBe(1);
    expect(after.value('kubently_executor_connections', { cluster: 'prod', transport: 'sse' })).toBe(1);
    expect(after.value('kubently_clusters', { state: 'connected' })).toBe(1);
    expect(after.value('kubently_clusters', { state: 'disconnected' })).toBe(2);
    expect(after.value('kubently_cluster_executors', { cluster: 'prod' })).toBe(1);
    // Three clusters, a cap of two: the one seen last is counted as `other`.
    const clusterLabels = after.labelValues('cluster');
    expect(clusterLabels.size).toBe(3);
    expect(clusterLabels).toContain('prod');
    expect(clusterLabels).toContain('other');
    const depths = after.samples('kubently_command_queue_depth', { state: 'queued' });
    expect(depths.map((sample) => Number(sample.value)).sort()).toEqual([0, 0, 1]);
    const ages = after
      .samples('kubently_command_queue_oldest_age_seconds')
      .map((sample) => Number(sample.value));
    expect(ages.sort((a, b) => a - b)).toEqual([0, 0, 30]);
    expect(after.value('kubently_command_queue_oldest_age_seconds', { cluster: 'prod' })).toBe(0);
    expect(after.value('kubently_state_backend_up')).toBe(1);
    expect(after.value('kubently_llm_tokens_total', { provider: 'scripted', type: 'input' })).toBe(50);
    expect(after.value('kubently_llm_tokens_total', { provider: 'scripted', type: 'output' })).toBe(7);
    expect(after.value('kubently_llm_cost_usd_total', { model: 'scripted-1' })).toBeCloseTo(
      (50 * 3 + 7 * 15) / 1e6,
    );
    expect(
      after.value('kubently_http_requests_total', { method: 'POST', route: '/v1/commands', code: '200' }),
    ).toBe(3);
    expect(
      after.value('kubently_http_requests_total', { method: 'POST', route: '/v1/commands', code: '422' }),
    ).toBe(1);
    expect(after.family('process_resident_memory_bytes')?.type).toBe('GAUGE');
    // No label carries an id of a command, session, caller or correlation.
    for (const label of ['id', 'command', 'session', 'identity', 'correlation_id', 'executor'])
      expect(after.labelValues(label).size).toBe(0);

    expect(await checkMetrics(after.text)).toEqual([]);
  });
});
