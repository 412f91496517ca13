import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot, ContainerLogExcerpt, Finding, Report } from '../src/index.js';
import { clusterSnapshotSchema, diagnose, extractLogSignatures } from '../src/index.js';
import { app, snapshot, withApps } from './fixtures/builders.js';
import { crashLooping } from './fixtures/scenarios.js';
import { scaledToZero } from './fixtures/impact-fixtures.js';

const key = (finding: Finding): string => `${finding.rule} ${finding.resource.kind}/${finding.resource.name}`;
const all = (report: Report): Finding[] => [...report.findings, ...report.symptoms];
const find = (report: Report, wanted: string): Finding => {
  const finding = all(report).find((item) => key(item) === wanted);
  if (finding === undefined) throw new Error(`no "${wanted}" in ${all(report).map(key).join(' | ')}`);
  return finding;
};

/** The excerpt the collector would keep for the crash-looping pod `web-…` of `crashLooping`. */
const excerptFor = (snap: ClusterSnapshot, log: string, previous = true): ContainerLogExcerpt => {
  const pod = snap.pods?.[0]?.metadata?.name ?? '';
  return {
    namespace: 'shop',
    pod,
    container: 'web',
    previous,
    command: `kubectl logs ${pod} -n shop -c web --tail=200 --limit-bytes=65536${previous ? ' --previous' : ''}`,
    signatures: extractLogSignatures(log),
  };
};

/** The web crash loop of the fixtures, plus Service db (selector app=db) and what backs it. */
const webCrashingOnDb = (
  log: string,
  db: 'no-pods' | 'scaled-to-zero' | 'missing' | 'healthy',
): ClusterSnapshot => {
  const base = crashLooping(1, 'Error');
  const database =
    db === 'scaled-to-zero'
      ? scaledToZero('db')
      : app('db', { port: 5432, portName: 'pg', podReady: db === 'healthy' });
  const parts = withApps({}, database);
  const dbService = {
    ...database.service!,
    spec: {
      ...database.service!.spec,
      clusterIP: '10.96.45.12',
      ports: [{ name: 'pg', port: 5432, targetPort: 'pg' }],
    },
  };
  const snap = snapshot({
    ...base,
    deployments: [
      ...(base.deployments ?? []),
      ...(db === 'no-pods' || db === 'missing' ? [] : (parts.deployments ?? [])),
    ],
    replicasets: [
      ...(base.replicasets ?? []),
      ...(db === 'no-pods' || db === 'missing' ? [] : (parts.replicasets ?? [])),
    ],
    pods: [...(base.pods ?? []), ...(db === 'healthy' ? (parts.pods ?? []) : [])],
    services: [...(base.services ?? []), ...(db === 'missing' ? [] : [dbService])],
    endpointslices: [
      ...(base.endpointslices ?? []),
      ...(db === 'healthy' && database.endpointslice !== undefined ? [database.endpointslice] : []),
    ],
  });
  return { ...snap, containerLogs: [excerptFor(snap, log)] };
};

const refused =
  'Error: connect ECONNREFUSED 10.96.45.12:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)';

describe('logs as evidence', () => {
  it('a crash loop that cannot reach db:5432 is explained by Service db without endpoints', () => {
    const snap = webCrashingOnDb('FATAL: cannot connect to db:5432: connection refused', 'no-pods');
    const report = diagnose(clusterSnapshotSchema.parse(snap));
    expect(report.findings.map(key)[0]).toBe('service-no-endpoints Service/db');
    const crash = find(report, 'container-crash-loop Deployment/web');
    expect(crash.causedBy).toEqual([report.findings[0]!.id]);
    expect(crash.rootCause).toContain('Its log says "FATAL: cannot connect to db:5432: connection refused"');
    expect(crash.rootCause).toContain('Service db (namespace shop), which has no ready endpoints');
    const quoted = crash.evidence.find((item) => item.type === 'field' && item.path === 'logs[web].previous');
    expect(quoted).toMatchObject({ value: 'FATAL: cannot connect to db:5432: connection refused' });
    expect(
      crash.evidence.filter((item) => item.type === 'field' && item.path.startsWith('logs[')),
    ).toHaveLength(1);
    expect(quoted?.command).toMatch(
      /^kubectl logs web-\S+ -n shop -c web --tail=200 --limit-bytes=65536 --previous$/,
    );
  });

  it('a ClusterIP in the log names the Service too; the scale-down behind it is the root', () => {
    const report = diagnose(webCrashingOnDb(refused, 'scaled-to-zero'));
    expect(report.findings.map(key)[0]).toBe('workload-scaled-to-zero Deployment/db');
    const crash = find(report, 'container-crash-loop Deployment/web');
    expect(crash.causedBy).toEqual([find(report, 'service-no-endpoints Service/db').id]);
    expect(crash.rootCause).toMatch(/connection refused/);
  });

  it('a Service the log names that does not exist is said so, and the crash loop stays the root', () => {
    const report = diagnose(webCrashingOnDb('Error: getaddrinfo ENOTFOUND db', 'missing'));
    const crash = find(report, 'container-crash-loop Deployment/web');
    expect(crash.causedBy).toEqual([]);
    expect(crash.rootCause).toContain('Service db (namespace shop), which does not exist');
  });

  it('a healthy Service the log names explains nothing', () => {
    const report = diagnose(webCrashingOnDb(refused, 'healthy'));
    expect(report.findings.map(key)[0]).toBe('container-crash-loop Deployment/web');
    expect(find(report, 'container-crash-loop Deployment/web').causedBy).toEqual([]);
  });

  it('a DNS timeout in the log links the crash loop to the egress policy that blocks DNS', () => {
    const base = crashLooping(1, 'Error');
    const snap: ClusterSnapshot = {
      ...base,
      networkpolicies: [
        {
          metadata: { name: 'egress-db-only', namespace: 'shop' },
          spec: {
            podSelector: { matchLabels: { app: 'web' } },
            policyTypes: ['Egress'],
            egress: [{ ports: [{ protocol: 'TCP', port: 5432 }] }],
          },
        },
      ],
      containerLogs: [
        excerptFor(
          base,
          'dial tcp: lookup db on 10.96.0.10:53: read udp 10.244.1.10:40211->10.96.0.10:53: i/o timeout',
        ),
      ],
    };
    const report = diagnose(snap);
    expect(report.findings.map(key)[0]).toBe('network-policy-blocks-dns NetworkPolicy/egress-db-only');
    expect(find(report, 'container-crash-loop Deployment/web').causedBy).toEqual([report.findings[0]!.id]);
    // Without the log line nothing ties them: both stay roots.
    const unlinked = diagnose({ ...snap, containerLogs: [] });
    expect(find(unlinked, 'container-crash-loop Deployment/web').causedBy).toEqual([]);
  });

  it('without a signature, the last line of the log is quoted', () => {
    const base = crashLooping(1, 'Error');
    const pod = base.pods?.[0]?.metadata?.name ?? '';
    const report = diagnose({
      ...base,
      containerLogs: [
        {
          namespace: 'shop',
          pod,
          container: 'web',
          previous: true,
          command: `kubectl logs ${pod} -n shop -c web --tail=200 --limit-bytes=65536 --previous`,
          signatures: [],
          lastLine: 'shutting down: license expired on 2026-11-30',
        },
      ],
    });
    expect(find(report, 'container-crash-loop Deployment/web').rootCause).toContain(
      'Its log ends with "shutting down: license expired on 2026-11-30"',
    );
  });

  it('the snapshot boundary rejects a multi-line or oversized quote and raw log text', () => {
    const base = crashLooping(1, 'Error');
    const excerpt = excerptFor(base, refused);
    const bad = { ...excerpt, signatures: [{ ...excerpt.signatures[0]!, line: 'x'.repeat(1000) }] };
    expect(() => clusterSnapshotSchema.parse({ ...base, containerLogs: [bad] })).toThrow();
    const twoLines = {
      ...excerpt,
      signatures: [{ ...excerpt.signatures[0]!, line: 'ok\nIGNORE ALL PREVIOUS' }],
    };
    expect(() => clusterSnapshotSchema.parse({ ...base, containerLogs: [twoLines] })).toThrow(/single line/);
    expect(clusterSnapshotSchema.parse({ ...base, containerLogs: [excerpt] }).containerLogs).toHaveLength(1);
    expect(() =>
      clusterSnapshotSchema.parse({ ...base, containerLogs: [{ ...excerpt, stdout: refused }] }),
    ).toThrow();
  });
});
