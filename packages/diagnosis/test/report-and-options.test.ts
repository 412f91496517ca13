import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot, Rule } from '../src/index.js';
import { diagnose, fingerprint } from '../src/index.js';
import { app, event, eventV1, podRef, snapshot, withApps } from './fixtures/builders.js';
import { crashLooping } from './fixtures/scenarios.js';

const twoNamespaces = (): ClusterSnapshot => {
  const shop = app('web', { serviceSelector: { app: 'shop-web' } });
  const billing = app('invoices', { namespace: 'billing', serviceSelector: { app: 'billing-invoices' } });
  return snapshot({
    ...withApps({}, shop, billing),
    configmaps: [{ namespace: 'billing', name: 'leftover', keys: ['x'] }],
  });
};

describe('fingerprints and dedup', () => {
  it('ids are stable across runs and independent of input order', () => {
    const snap = crashLooping(1, 'Error');
    const reversed: ClusterSnapshot = {
      ...snap,
      pods: [...(snap.pods ?? [])].reverse(),
      events: [...(snap.events ?? [])].reverse(),
    };
    const first = diagnose(snap);
    expect(diagnose(snap)).toEqual(first);
    expect(diagnose(reversed).findings.map((finding) => finding.id)).toEqual(
      first.findings.map((finding) => finding.id),
    );
    expect(first.findings[0]!.id).toBe(fingerprint('container-crash-loop', 'Deployment/shop/web', 'web:1'));
    expect(first.findings[0]!.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('a different cause on the same object gets a different id', () => {
    const one = diagnose(crashLooping(1, 'Error')).findings[0]!;
    const other = diagnose(crashLooping(2, 'Error')).findings[0]!;
    expect(one.resource).toEqual(other.resource);
    expect(one.id).not.toBe(other.id);
  });

  it('pods of one workload with the same cause fold into one finding naming every pod', () => {
    const report = diagnose(crashLooping(1, 'Error'));
    const crash = report.findings.filter((finding) => finding.rule === 'container-crash-loop');
    expect(crash).toHaveLength(1);
    expect(crash[0]!.affected.filter((item) => item.kind === 'Pod')).toHaveLength(2);
  });

  it('the same event listed by both event APIs counts once; repeats of distinct events add up', () => {
    const web = app('web', { replicas: 1 });
    const pod = web.pods[0]!;
    const core = event(podRef(pod), 'DNSConfigForming', 'Nameserver limits were exceeded', { count: 4 });
    const sameInV1 = {
      ...eventV1(podRef(pod), 'DNSConfigForming', 'Nameserver limits were exceeded', 4),
      metadata: core.metadata ?? {},
    };
    const another = event(podRef(pod), 'DNSConfigForming', 'Nameserver limits were exceeded', { count: 2 });
    const report = diagnose(snapshot({ ...withApps({}, web), events: [core, sameInV1, another] }));
    expect(report.findings.map((finding) => finding.summary)).toEqual([
      'Warning events: DNSConfigForming ×6',
    ]);
  });
});

describe('options', () => {
  it('filters by namespace', () => {
    const report = diagnose(twoNamespaces(), { namespaces: ['billing'] });
    expect([...report.findings, ...report.symptoms].map((finding) => finding.resource.namespace)).toEqual([
      'billing',
      'billing',
    ]);
    expect(report.namespaces).toEqual(['billing']);
  });

  it('a Released volume shows only in the namespace of the claim it belonged to', () => {
    const snap = snapshot({
      pvs: [
        {
          metadata: { name: 'pv-orders' },
          spec: {
            claimRef: { namespace: 'billing', name: 'orders' },
            persistentVolumeReclaimPolicy: 'Retain',
          },
          status: { phase: 'Released' },
        },
      ],
    });
    const rulesIn = (namespace: string): string[] =>
      diagnose(snap, { namespaces: [namespace] }).findings.map((finding) => finding.rule);
    expect(rulesIn('billing')).toEqual(['persistent-volume-unhealthy']);
    expect(rulesIn('shop')).toEqual([]);
  });

  it('drops findings below the minimum severity', () => {
    expect(diagnose(twoNamespaces()).summary.bySeverity.info).toBe(1);
    const report = diagnose(twoNamespaces(), { minSeverity: 'warning' });
    expect(report.summary.bySeverity).toEqual({ critical: 2, warning: 0, info: 0 });
  });

  it('measures ages against the injected clock, not the wall clock', () => {
    const snap = snapshot({
      cronjobs: [
        {
          metadata: { name: 'nightly', namespace: 'shop' },
          spec: { schedule: '0 2 * * *' },
          status: { lastScheduleTime: '2026-11-23T02:00:00Z' },
        },
      ],
    });
    expect(diagnose(snap).findings).toEqual([]);
    const late = diagnose(snap, { now: () => new Date('2026-11-24T03:00:00Z') });
    expect(late.findings.map((finding) => finding.summary)).toEqual([
      'no run since 2026-11-23T02:00:00Z (a run was due 60m ago)',
    ]);
    expect(late.generatedAt).toBe('2026-11-24T03:00:00.000Z');
  });

  it('runs only the rules it is given', () => {
    const only: Rule = {
      id: 'always',
      title: 'test rule',
      run: () => [
        {
          rule: 'always',
          severity: 'info',
          resource: { kind: 'Node', namespace: '', name: 'n' },
          causeKey: 'k',
          summary: 's',
          rootCause: 'r',
          evidence: [],
          remediation: 'fix it',
        },
      ],
    };
    const report = diagnose(twoNamespaces(), { rules: [only] });
    expect(report.findings.map((finding) => finding.rule)).toEqual(['always']);
    expect(report.summary.rulesRun).toBe(1);
  });

  it('orders roots by severity, then by how many symptoms they explain', () => {
    const report = diagnose(twoNamespaces());
    const ranks = report.findings.map((finding) => finding.severity);
    expect(ranks).toEqual(
      [...ranks].sort(
        (left, right) =>
          ['critical', 'warning', 'info'].indexOf(left) - ['critical', 'warning', 'info'].indexOf(right),
      ),
    );
  });
});
