import { describe, expect, it } from 'vitest';

import { ExecutorMetrics } from '../src/observability/executor-metrics.js';
import { startHealthServer } from '../src/observability/health-server.js';

describe('ExecutorMetrics', () => {
  it('renders counters, a cumulative histogram and gauges in Prometheus text format', () => {
    const metrics = new ExecutorMetrics();
    metrics.commandFinished('succeeded', 0.004);
    metrics.commandFinished('succeeded', 0.3);
    metrics.commandFinished('policy_denied', 0);
    metrics.reconnected();
    metrics.setConnected(true);
    const text = metrics.render();
    expect(text).toContain('kubently_executor_commands_total{outcome="succeeded"} 2');
    expect(text).toContain('kubently_executor_commands_total{outcome="policy_denied"} 1');
    expect(text).toContain('kubently_executor_commands_total{outcome="command_timeout"} 0');
    expect(text).toContain('kubently_executor_command_duration_seconds_bucket{le="0.005"} 2');
    expect(text).toContain('kubently_executor_command_duration_seconds_bucket{le="0.25"} 2');
    expect(text).toContain('kubently_executor_command_duration_seconds_bucket{le="0.5"} 3');
    expect(text).toContain('kubently_executor_command_duration_seconds_bucket{le="+Inf"} 3');
    expect(text).toContain('kubently_executor_command_duration_seconds_count 3');
    expect(text).toContain('kubently_executor_reconnects_total 1');
    expect(text).toContain('kubently_executor_connected 1');
    expect(text.endsWith('\n')).toBe(true);
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
      expect(await scrape.text()).toContain('kubently_executor_connected 0');
      expect((await fetch(`${server.url}/other`)).status).toBe(404);
      expect((await fetch(`${server.url}/healthz`, { method: 'POST' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });
});
