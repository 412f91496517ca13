import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

import { ExecutorMetrics } from '../../apps/executor/src/telemetry/index.js';
import { createServerTelemetry } from '../../apps/server/src/telemetry/index.js';
import { runTool } from '../support/prometheus-text.js';

const dir = fileURLToPath(new URL('../../deploy/observability/', import.meta.url));
/** redis_exporter's metrics, the only ones the alerts use that Kubently does not export itself. */
const redisExporterMetrics = new Set(['redis_memory_used_bytes', 'redis_memory_max_bytes']);

interface Dashboard {
  readonly panels: readonly { readonly title: string; readonly targets?: readonly { expr: string }[] }[];
  readonly templating: { readonly list: readonly { readonly definition?: string }[] };
}

const dashboard = async (): Promise<Dashboard> =>
  JSON.parse(await readFile(join(dir, 'kubently-dashboard.json'), 'utf8')) as Dashboard;

/** Metric families both apps export (TYPE lines of a scrape, histograms with their series suffixes). */
const exportedMetricNames = async (): Promise<Set<string>> => {
  const server = createServerTelemetry({
    version: '0.0.0',
    maxClusterLabels: 10,
    logger: pino({ level: 'silent' }),
  });
  const executor = new ExecutorMetrics({ clusterId: 'prod', processMetrics: true });
  const names = new Set<string>();
  for (const text of [await server.render(), await executor.render()]) {
    for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      const [, name = '', type] = match;
      names.add(name);
      if (type === 'histogram')
        for (const suffix of ['_bucket', '_count', '_sum']) names.add(`${name}${suffix}`);
    }
  }
  return names;
};

/** Names of the metrics a PromQL expression reads (Kubently's, process/nodejs and redis_exporter's). */
const metricsIn = (expr: string): string[] =>
  [...expr.matchAll(/\b((?:kubently|process|nodejs|redis)_[a-zA-Z0-9_]+)\b/g)].map((match) => match[1] ?? '');

const dashboardExprs = async (): Promise<string[]> => {
  const board = await dashboard();
  return [
    ...board.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
    ...board.templating.list.flatMap((variable) =>
      variable.definition === undefined
        ? []
        : [variable.definition.replace(/^label_values\((\w+),.*$/, '$1')],
    ),
  ];
};

const alertExprs = async (): Promise<string[]> => {
  const rules = parseYaml(await readFile(join(dir, 'kubently-alerts.rules.yaml'), 'utf8')) as {
    groups: { rules: { expr: string }[] }[];
  };
  return rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr));
};

describe('deploy/observability', () => {
  it('promtool check rules accepts the alert rules', async () => {
    const checked = await runTool('promtool', ['check', 'rules', join(dir, 'kubently-alerts.rules.yaml')]);
    expect(checked.stdout + checked.stderr).toContain('SUCCESS: 5 rules found');
    expect(checked.code).toBe(0);
  });

  it('promtool test rules: every alert fires on its series and stays quiet below its threshold', async () => {
    const tested = await runTool('promtool', ['test', 'rules', join(dir, 'kubently-alerts.test.yaml')]);
    expect(tested.stdout + tested.stderr).toContain('SUCCESS');
    expect(tested.code).toBe(0);
  });

  it('the PrometheusRule carries exactly the rule file', async () => {
    const rules: unknown = parseYaml(await readFile(join(dir, 'kubently-alerts.rules.yaml'), 'utf8'));
    const resource = parseYaml(await readFile(join(dir, 'kubently-prometheusrule.yaml'), 'utf8')) as {
      kind: string;
      spec: unknown;
    };
    expect(resource.kind).toBe('PrometheusRule');
    expect(resource.spec).toEqual(rules);
  });

  it('every dashboard query is valid PromQL (promtool parses them as recording rules)', async () => {
    const exprs = await dashboardExprs();
    expect(exprs.length).toBeGreaterThan(30);
    const rules = {
      groups: [
        {
          name: 'dashboard',
          rules: exprs.map((expr, index) => ({
            record: `dashboard:query_${index}`,
            expr: expr.replaceAll('$__rate_interval', '5m').replaceAll('$cluster', '.*'),
          })),
        },
      ],
    };
    const scratch = await mkdtemp(join(tmpdir(), 'kubently-dashboard-'));
    try {
      const file = join(scratch, 'dashboard.rules.yaml');
      await writeFile(file, stringifyYaml(rules));
      const checked = await runTool('promtool', ['check', 'rules', file]);
      expect(checked.stdout + checked.stderr).toContain(`SUCCESS: ${exprs.length} rules found`);
      expect(checked.code).toBe(0);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it('the dashboard and the alerts read only metrics that are exported', async () => {
    const exported = await exportedMetricNames();
    const used = new Set([...(await dashboardExprs()), ...(await alertExprs())].flatMap(metricsIn));
    expect(used.size).toBeGreaterThan(20);
    const missing = [...used].filter((name) => !exported.has(name) && !redisExporterMetrics.has(name));
    expect(missing).toEqual([]);
  });

  it('the dashboard covers command flow, connections, latency, errors and cluster health', async () => {
    const board = await dashboard();
    const titles = board.panels.map((panel) => panel.title);
    for (const row of ['Command flow', 'Latency', 'Executor connections', 'Errors', 'Cluster health'])
      expect(titles).toContain(row);
    const exprs = (await dashboardExprs()).join('\n');
    for (const quantile of ['0.5', '0.95', '0.99'])
      expect(exprs).toContain(
        `histogram_quantile(${quantile}, sum by (le) (rate(kubently_command_duration_seconds_bucket`,
      );
  });
});
