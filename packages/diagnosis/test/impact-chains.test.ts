import { describe, expect, it } from 'vitest';
import type { Finding, Report } from '../src/index.js';
import { diagnose } from '../src/index.js';
import { scaledToZeroBehindIngress, statefulSetDb } from './fixtures/impact-fixtures.js';

const key = (finding: Finding): string => `${finding.rule} ${finding.resource.kind}/${finding.resource.name}`;

/** Every finding reachable from `root` through `causes`. */
const explained = (report: Report, root: Finding): string[] => {
  const byId = new Map([...report.findings, ...report.symptoms].map((item) => [item.id, item]));
  const seen = new Set<string>();
  const stack = [...root.causes];
  while (stack.length > 0) {
    const id = stack.pop() ?? '';
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(byId.get(id)?.causes ?? []));
  }
  return [...seen].map((id) => key(byId.get(id)!)).sort();
};

describe('a root cause owns what it breaks', () => {
  it('Ingress → Service → Deployment scaled to 0: the scale-down is the one root and explains both', () => {
    const report = diagnose(scaledToZeroBehindIngress());
    expect(report.findings.map(key)).toEqual(['workload-scaled-to-zero Deployment/web']);
    expect(report.findings[0]!.severity).toBe('critical');
    expect(explained(report, report.findings[0]!)).toEqual([
      'ingress-backend Ingress/shop',
      'service-no-endpoints Service/web',
    ]);
  });

  it('the scaled-to-zero root survives --min-severity critical with its symptoms', () => {
    const report = diagnose(scaledToZeroBehindIngress(), { minSeverity: 'critical', namespaces: ['shop'] });
    expect(report.findings.map(key)).toEqual(['workload-scaled-to-zero Deployment/web']);
    expect(report.symptoms.map(key).sort()).toEqual([
      'ingress-backend Ingress/shop',
      'service-no-endpoints Service/web',
    ]);
  });

  it('StatefulSet without its governing Service: first finding, explains the crash loop and the unavailable set', () => {
    const report = diagnose(statefulSetDb({ service: false, crashing: true }));
    expect(report.findings.map(key)).toEqual(['statefulset-unavailable StatefulSet/db']);
    const root = report.findings[0]!;
    expect(root.summary).toMatch(/governing Service db-headless/);
    expect(root.affected.map((item) => item.name)).toEqual(['db-0']);
    expect(explained(report, root)).toEqual([
      'container-crash-loop StatefulSet/db',
      'statefulset-unavailable StatefulSet/db',
    ]);
  });

  it('with the governing Service present the crash loop is the root again', () => {
    const report = diagnose(statefulSetDb({ service: true, crashing: true }));
    expect(report.findings.map(key)[0]).toBe('container-crash-loop StatefulSet/db');
    expect(report.findings.map(key)).not.toContain('statefulset-unavailable StatefulSet/db');
  });
});
