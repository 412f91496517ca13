import { describe, expect, it } from 'vitest';
import { diagnose, renderJson, renderMarkdown, renderTable } from '../src/index.js';
import { app, event, podRef, snapshot, withApps } from './fixtures/builders.js';
import { healthyCluster } from './fixtures/healthy-cluster.js';

const chain = () => {
  const web = app('web', { podReady: false, status: { ready: false } });
  return diagnose(
    snapshot({
      ...withApps({}, web),
      configmaps: [{ namespace: 'shop', name: 'stale', keys: ['a'] }],
      events: web.pods.map((pod) =>
        event(podRef(pod), 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 404', {
          count: 50,
        }),
      ),
    }),
  );
};

// eslint-disable-next-line no-control-regex
const ansi = /\u001b\[/;

describe('renderers', () => {
  it('JSON round-trips to the report', () => {
    const report = chain();
    const parsed = JSON.parse(renderJson(report)) as unknown;
    expect(parsed).toEqual(JSON.parse(JSON.stringify(report)));
    expect(Object.keys(parsed as object)).toEqual([
      'findings',
      'symptoms',
      'summary',
      'collectedAt',
      'generatedAt',
      'namespaces',
    ]);
  });

  it('Markdown leads with the root cause, evidence commands and the symptoms nested under it', () => {
    const text = renderMarkdown(chain());
    const root = text.indexOf(
      '## 🔴 critical: Deployment/shop/web — readiness probe of container web fails: HTTP 404',
    );
    expect(root).toBeGreaterThan(0);
    expect(text.indexOf('🔵 info: ConfigMap/shop/stale')).toBeGreaterThan(root);
    expect(text).toContain('`kubectl describe pod web-7d9c5b8f6d-a0x4z -n shop`');
    expect(text).toMatch(
      /\*\*Symptoms it explains\.\*\*\n- 🔴 `Deployment\/shop\/web`: 0\/2 replicas available\n- 🔴 `Service\/shop\/web`: no ready endpoints/,
    );
    expect(text).toContain("**Fix.** In the workload's pod template, point the probe path");
  });

  it('the table has one line per root cause with severity, resource, cause and fix', () => {
    const text = renderTable(chain(), { color: false, width: 200 });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^2 root causes, 2 symptoms · 3 critical, 0 warning, 1 info/);
    expect(lines[1]).toMatch(/^SEVERITY\s+RESOURCE\s+ROOT CAUSE\s+FIX$/);
    expect(lines[2]).toMatch(/^CRITICAL\s+Deployment\/shop\/web\s+readiness probe of container web fails/);
    expect(lines[3]).toMatch(
      /^\s+↳ explains Deployment\/shop\/web \(0\/2 replicas available\); Service\/shop\/web/,
    );
    expect(lines[4]).toMatch(/^INFO\s+ConfigMap\/shop\/stale/);
    expect(lines.every((line) => line.length <= 200)).toBe(true);
    expect(text).not.toMatch(ansi);
  });

  it('wrapped, the table keeps every word of the cause and the whole fix within the width', () => {
    const report = chain();
    const narrow = renderTable(report, { color: false, width: 80 });
    const wrapped = renderTable(report, { color: false, width: 80, wrap: true });
    const [root] = report.findings;
    if (root === undefined) throw new Error('the chain has a root cause');
    // Words longer than a column are split across lines; the rest must appear whole.
    const words = (text: string): string[] =>
      text
        .replace(/\s+/g, ' ')
        .trim()
        .split(' ')
        .filter((word) => word.length <= 20);
    const flat = wrapped.replace(/\s+/g, ' ');
    expect(narrow).toContain('…');
    expect(wrapped).not.toContain('…');
    for (const word of [...words(root.summary), ...words(root.remediation)]) expect(flat).toContain(word);
    expect(
      wrapped
        .trimEnd()
        .split('\n')
        .slice(1)
        .filter((line) => line.length > 80),
    ).toEqual([]);
    expect(wrapped.split('\n').filter((line) => line.startsWith('CRITICAL'))).toHaveLength(1);
  });

  it('colours severities only when asked', () => {
    expect(renderTable(chain(), { color: true })).toMatch(ansi);
  });

  it('a healthy cluster renders as "No problems found."', () => {
    const report = diagnose(healthyCluster());
    expect(renderTable(report, { color: false })).toContain('No problems found.');
    expect(renderMarkdown(report)).toContain('No problems found.');
    expect(JSON.parse(renderJson(report))).toMatchObject({ findings: [], symptoms: [] });
  });
});
