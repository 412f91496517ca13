import { describe, expect, it } from 'vitest';

import { checkMetrics, Scrape } from '../../../test/support/prometheus-text.js';
import { startHealthServer } from '../src/observability/health-server.js';
import { ExecutorMetrics } from '../src/telemetry/index.js';

describe('ExecutorMetrics', () => {
  it('counts commands by outcome and times them by verb, parsed by a real text-format parser', async () => {
    const metrics = new ExecutorMetrics({ clusterId: 'prod' });
    const before = await Scrape.parse(await metrics.render());
    expect(before.value('kubently_executor_commands_total', { outcome: 'succeeded' })).toBe(0);
    metrics.commandFinished('succeeded', 0.004, ['get', 'pods']);
    metrics.commandFinished('succeeded', 0.3, ['get', 'pods', '-A']);
    metrics.commandFinished('policy_denied', 0, ['delete', 'pod', 'x']);
    metrics.commandFinished('failed', 1, ['my-plugin']);
    metrics.reconnected();
    metrics.setConnected(true);
    metrics.resultDelivered('acked');
    const after = await Scrape.parse(await metrics.render());
    expect(after.value('kubently_executor_commands_total', { outcome: 'succeeded', cluster: 'prod' })).toBe(
      2,
    );
    expect(after.value('kubently_executor_commands_total', { outcome: 'policy_denied' })).toBe(1);
    expect(after.value('kubently_executor_commands_total', { outcome: 'command_timeout' })).toBe(0);
    const getPods = after.samples('kubently_executor_command_duration_seconds', {
      verb: 'get',
      outcome: 'succeeded',
    });
    expect(getPods).toHaveLength(1);
    expect(getPods[0]?.buckets?.['0.005']).toBe('1');
    expect(getPods[0]?.buckets?.['0.5']).toBe('2');
    expect(getPods[0]?.count).toBe('2');
    // An unknown first word is never a label value of its own.
    expect(after.count('kubently_executor_command_duration_seconds', { verb: 'other' })).toBe(1);
    expect(after.labelValues('verb')).toEqual(new Set(['get', 'delete', 'other']));
    expect(after.value('kubently_executor_reconnects_total')).toBe(1);
    expect(after.value('kubently_executor_connected')).toBe(1);
    expect(after.value('kubently_executor_result_posts_total', { outcome: 'acked' })).toBe(1);
    expect(after.labelValues('cluster')).toEqual(new Set(['prod']));
  });

  it('passes promtool check metrics, process metrics included', async () => {
    const metrics = new ExecutorMetrics({ clusterId: 'prod', processMetrics: true });
    metrics.commandFinished('succeeded', 0.01, ['get', 'pods']);
    const text = await metrics.render();
    expect((await Scrape.parse(text)).family('process_cpu_user_seconds_total')?.type).toBe('COUNTER');
    expect(await checkMetrics(text)).toEqual([]);
  });
});

describe('health server', () => {
  it('serves /healthz and /metrics, 404 elsewhere, 405 for writes', async () => {
    const metrics = new ExecutorMetrics();
    const server = await startHealthServer({
      host: '127.0.0.1',
      port: 0,
      version: '1.2.3',
      metrics,
      checks: () => ({
        link: metrics.isConnected ? { ok: true } : { ok: false, message: 'not connected to the server' },
      }),
    });
    try {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({
        status: 'ok',
        version: '1.2.3',
        checks: { link: { ok: false, message: 'not connected to the server' } },
      });
      const scrape = await fetch(`${server.url}/metrics`);
      expect(scrape.headers.get('content-type')).toMatch(/^text\/plain/);
      expect((await Scrape.parse(await scrape.text())).value('kubently_executor_connected')).toBe(0);
      expect((await fetch(`${server.url}/other`)).status).toBe(404);
      expect((await fetch(`${server.url}/healthz`, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });
});
