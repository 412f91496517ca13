import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { commandResponseSchema, logRecordSchema, sessionSchema } from '@kubently/protocol';
import type { LogRecord } from '@kubently/protocol';

import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import type { FakeKubectl } from '../fixtures/fake-kubectl.js';
import { checkMetrics, Scrape } from '../support/prometheus-text.js';
import { connectExecutor, startServer } from './support/kubently.js';
import type { RunningServer } from './support/kubently.js';
import { stopAll } from './support/processes.js';
import type { Spawned } from './support/processes.js';

const metricsToken = `metrics-${randomUUID()}`;
const prefix = `kubently-telemetry-${randomUUID()}:`;

/**
 * The built server (Redis backend, metrics on a port of their own) and a built executor (health
 * port on) with the kubectl test double: their logs share one shape, and their scrapes move with
 * the traffic, read by Prometheus's own parser and linter.
 */
describe('telemetry through real processes', () => {
  let server: RunningServer;
  let kubectl: FakeKubectl;
  let executor: Spawned;
  let serverMetricsUrl: string;
  let executorMetricsUrl: string;
  const clusterId = 'telemetry-main';

  beforeAll(async () => {
    server = await startServer({
      KUBENTLY_REDIS_URL: 'redis://127.0.0.1:6379',
      KUBENTLY_REDIS_PREFIX: prefix,
      KUBENTLY_METRICS_PORT: '0',
      KUBENTLY_METRICS_TOKEN: metricsToken,
    });
    const serving = await server.process.waitForLog((line) => line.msg === 'serving metrics');
    serverMetricsUrl = String(serving.url); // http://host:port/metrics
    kubectl = createFakeKubectl();
    const token = await server.api.addCluster(clusterId);
    executor = await connectExecutor(server, {
      clusterId,
      token,
      kubectl,
      env: { KUBENTLY_HEALTH_PORT: '0' },
    });
    const started = await executor.waitForLog((line) => line.msg === 'executor started');
    executorMetricsUrl = `${String(started.healthUrl)}/metrics`;
  });

  afterAll(async () => {
    await stopAll();
    const redis = new Redis('redis://127.0.0.1:6379');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const scrapeText = async (url: string, headers: Record<string, string> = {}): Promise<string> => {
    const response = await fetch(url, { headers });
    expect(response.status).toBe(200);
    return response.text();
  };

  it("logs a command's lifecycle on both sides with the same fields", async () => {
    const created = await server.api.post('/v1/sessions', { clusterId, ttlSeconds: 60 });
    const session = sessionSchema.parse(created.body);
    const correlationId = `corr-${randomUUID()}`;
    const answer = await server.api.post(
      '/v1/commands',
      { clusterId, sessionId: session.id, args: ['get', 'pods', 'web-1'] },
      { 'x-correlation-id': correlationId },
    );
    expect(commandResponseSchema.parse(answer.body).status).toBe('succeeded');
    const mine = (line: Record<string, unknown>): boolean => line.correlation_id === correlationId;
    await server.process.waitForLog((line) => mine(line) && line.msg === 'command finished');
    await executor.waitForLog((line) => mine(line) && line.msg === 'command finished');
    const parse = (lines: Record<string, unknown>[]): LogRecord[] =>
      lines.filter(mine).map((line) => logRecordSchema.parse(line));
    const serverLines = parse(server.process.logLines());
    const executorLines = parse(executor.logLines());
    expect(serverLines.map((line) => line.msg)).toEqual(['command queued', 'command finished']);
    expect(executorLines.map((line) => line.msg)).toEqual(['running kubectl', 'command finished']);
    for (const [service, lines] of [
      ['kubently-server', serverLines],
      ['kubently-executor', executorLines],
    ] as const) {
      for (const line of lines) {
        expect(line).toMatchObject({
          service,
          correlation_id: correlationId,
          cluster_id: clusterId,
          session_id: session.id,
        });
        expect(line.argv?.slice(0, 3)).toEqual(['get', 'pods', 'web-1']);
        expect(Date.parse(line.timestamp)).not.toBeNaN();
      }
      const finished = lines.find((line) => line.msg === 'command finished');
      expect(finished?.level).toBe('info');
      expect(typeof finished?.execution_time_ms).toBe('number');
      // No camelCase twin of a renamed field is left on the line.
      for (const key of ['correlationId', 'clusterId', 'sessionId', 'durationMs', 'time', 'pid'])
        expect(Object.keys(finished ?? {})).not.toContain(key);
    }
  });

  it('scrapes move with the traffic on both sides and pass promtool check metrics', async () => {
    const serverBefore = await Scrape.parse(await scrapeText(serverMetricsUrl));
    const executorBefore = await Scrape.parse(await scrapeText(executorMetricsUrl));
    const labels = { cluster: clusterId, verb: 'get', outcome: 'succeeded' };
    for (let index = 0; index < 3; index += 1) {
      const answer = await server.api.post('/v1/commands', { clusterId, args: ['get', 'pods'] });
      expect(commandResponseSchema.parse(answer.body).status).toBe('succeeded');
    }
    expect((await server.api.post('/v1/commands', { clusterId, args: ['delete', 'pod', 'x'] })).status).toBe(
      422,
    );
    const serverText = await scrapeText(serverMetricsUrl);
    // The main port serves the same registry to a scraper holding the token.
    await scrapeText(`${server.url}/metrics`, { authorization: `Bearer ${metricsToken}` });
    const serverAfter = await Scrape.parse(serverText);
    const executorText = await scrapeText(executorMetricsUrl);
    const executorAfter = await Scrape.parse(executorText);

    const moved = (after: Scrape, before: Scrape, name: string, filter: Record<string, string>): number =>
      after.count(name, filter) - before.count(name, filter);
    expect(moved(serverAfter, serverBefore, 'kubently_command_duration_seconds', labels)).toBe(3);
    expect(
      moved(executorAfter, executorBefore, 'kubently_executor_command_duration_seconds', {
        cluster: clusterId,
        verb: 'get',
        outcome: 'succeeded',
      }),
    ).toBe(3);
    expect(
      serverAfter.value('kubently_policy_denials_total', { cluster: clusterId, verb: 'delete' }) -
        serverBefore.value('kubently_policy_denials_total', { cluster: clusterId, verb: 'delete' }),
    ).toBe(1);
    expect(serverAfter.value('kubently_executor_connections', { cluster: clusterId, transport: 'sse' })).toBe(
      1,
    );
    expect(serverAfter.value('kubently_cluster_executors', { cluster: clusterId })).toBe(1);
    expect(serverAfter.value('kubently_state_backend_up')).toBe(1);
    // One PING and one pub/sub round trip per scrape (the main-port scrape came after this one).
    expect(serverAfter.count('kubently_redis_roundtrip_seconds')).toBe(
      serverBefore.count('kubently_redis_roundtrip_seconds') + 1,
    );
    expect(serverAfter.count('kubently_redis_pubsub_lag_seconds')).toBe(
      serverBefore.count('kubently_redis_pubsub_lag_seconds') + 1,
    );
    expect(executorAfter.value('kubently_executor_connected', { cluster: clusterId })).toBe(1);
    expect(executorAfter.family('process_start_time_seconds')?.type).toBe('GAUGE');
    expect(serverAfter.family('process_start_time_seconds')?.type).toBe('GAUGE');

    for (const text of [serverText, executorText]) expect(await checkMetrics(text)).toEqual([]);
  });
});
