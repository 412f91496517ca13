import { defaultPolicyConfig, evaluate, tokenize } from '@kubently/policy';
import { describe, expect, it } from 'vitest';

import { clusterSnapshotSchema, diagnose, renderJson, renderMarkdown, renderTable } from '../../src/index.js';
import { isSecretLikeEnv, movingTagOf } from '../../src/posture/index.js';
import type { ClusterSnapshot, Finding } from '../../src/index.js';
import {
  billing,
  deployment,
  hardened,
  limitRange,
  nodeAgent,
  plainSecrets,
  serviceAccount,
} from './posture-objects.js';

const snapshotOf = (parts: Record<string, unknown>): ClusterSnapshot =>
  clusterSnapshotSchema.parse({
    collectedAt: '2026-11-24T01:00:00Z',
    namespaces: 'all',
    pods: [],
    events: [],
    deployments: [],
    replicasets: [],
    statefulsets: [],
    daemonsets: [],
    jobs: [],
    cronjobs: [],
    services: [],
    configmaps: [],
    secrets: [
      { namespace: 'shop', name: 'redis', type: 'Opaque', keys: ['password'] },
      { namespace: 'shop', name: 'catalog-db', type: 'Opaque', keys: ['password'] },
    ],
    serviceaccounts: [
      serviceAccount('shop', 'default'),
      serviceAccount('shop', 'catalog'),
      serviceAccount('monitoring', 'default'),
      serviceAccount('monitoring', 'node-agent'),
    ],
    limitranges: [],
    ...parts,
  });

const cluster = (): ClusterSnapshot =>
  snapshotOf({ deployments: [billing(), hardened()], daemonsets: [nodeAgent()] });

const posture = (snapshot: ClusterSnapshot): Finding[] =>
  diagnose(snapshot, { include: ['posture'] }).findings.filter((finding) => finding.category === 'posture');

const one = (findings: readonly Finding[], rule: string, name: string): Finding => {
  const found = findings.filter((finding) => finding.rule === rule && finding.resource.name === name);
  expect(
    found.map((finding) => finding.summary),
    `${rule} on ${name}`,
  ).toHaveLength(1);
  const [finding] = found;
  if (finding === undefined) throw new Error(`no ${rule} finding on ${name}`);
  return finding;
};

describe('posture rules (opt-in)', () => {
  it('run only when posture is included', () => {
    expect(diagnose(cluster()).findings).toEqual([]);
    expect(diagnose(cluster()).summary.posture).toBe(0);
    expect(posture(cluster()).length).toBeGreaterThan(0);
    expect(diagnose(cluster(), { include: ['posture'] }).summary.posture).toBe(posture(cluster()).length);
  });

  it('report nothing for a hardened workload', () => {
    expect(posture(snapshotOf({ deployments: [hardened()] }))).toEqual([]);
  });

  it('privileged container', () => {
    const finding = one(posture(cluster()), 'posture-privileged-container', 'node-agent');
    expect(finding.severity).toBe('warning');
    expect(finding.resource).toEqual({ kind: 'DaemonSet', namespace: 'monitoring', name: 'node-agent' });
    expect(finding.summary).toBe('daemonset/node-agent runs container agent privileged');
    expect(finding.evidence[0]?.command).toBe(
      `kubectl get daemonset node-agent -n monitoring -o jsonpath='{.spec.template.spec.containers[?(@.name=="agent")].securityContext.privileged}'`,
    );
  });

  it('SYS_ADMIN counts as privileged; NET_BIND_SERVICE does not', () => {
    const withCapabilities = (add: string[]): Record<string, unknown> =>
      deployment('shop', 'capable', {
        automountServiceAccountToken: false,
        containers: [
          {
            name: 'app',
            image: 'app:1.0.0',
            resources: { limits: { cpu: '1', memory: '1Gi' } },
            securityContext: { capabilities: { add } },
          },
        ],
      });
    expect(
      posture(snapshotOf({ deployments: [withCapabilities(['SYS_ADMIN'])] })).map((finding) => finding.rule),
    ).toEqual(['posture-privileged-container']);
    expect(posture(snapshotOf({ deployments: [withCapabilities(['NET_BIND_SERVICE'])] }))).toEqual([]);
  });

  it('host namespaces', () => {
    const finding = one(posture(cluster()), 'posture-host-namespace', 'node-agent');
    expect(finding.summary).toBe("daemonset/node-agent uses the node's namespaces: hostNetwork, hostPID");
    expect(finding.evidence.map((item) => item.command)).toEqual([
      `kubectl get daemonset node-agent -n monitoring -o jsonpath='{.spec.template.spec.hostNetwork}'`,
      `kubectl get daemonset node-agent -n monitoring -o jsonpath='{.spec.template.spec.hostPID}'`,
    ]);
  });

  it('hostPath volumes', () => {
    const finding = one(posture(cluster()), 'posture-host-path', 'node-agent');
    expect(finding.summary).toBe('daemonset/node-agent mounts a node directory: /var/lib/kubelet');
    expect(finding.evidence[0]).toMatchObject({ type: 'field', value: '/var/lib/kubelet' });
  });

  it('credentials in plain env values: names only, never the values', () => {
    const finding = one(posture(cluster()), 'posture-secret-in-env', 'billing');
    expect(finding.severity).toBe('warning');
    expect(finding.summary).toBe(
      'deployment/billing sets DB_PASSWORD, apiToken, DATABASE_URL as plain environment values',
    );
    // A path to a mounted file, a TTL, an empty value and a secretKeyRef are not credentials in the spec.
    expect(finding.summary).not.toMatch(/DB_PASSWORD_FILE|TOKEN_TTL|SESSION_SECRET|REDIS_PASSWORD|LOG_LEVEL/);
    expect(finding.evidence[0]?.command).toBe(
      `kubectl get deployment billing -n shop -o jsonpath='{.spec.template.spec.containers[?(@.name=="billing")].env[?(@.value)].name}'`,
    );
    const report = diagnose(cluster(), { include: ['posture'] });
    const rendered = [renderJson(report), renderMarkdown(report), renderTable(report, { color: false })].join(
      '\n',
    );
    for (const value of Object.values(plainSecrets)) expect(rendered).not.toContain(value);
  });

  it('credential detection by name and by shape', () => {
    expect(isSecretLikeEnv('DB_PASSWORD', 'hunter22')).toBe(true);
    expect(isSecretLikeEnv('stripeApiKey', 'abcdef123456')).toBe(true);
    expect(isSecretLikeEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG')).toBe(true);
    expect(isSecretLikeEnv('UPSTREAM', 'Bearer abcdefghijklmnop')).toBe(true);
    expect(isSecretLikeEnv('DB_PASSWORD_FILE', '/run/secrets/db')).toBe(false);
    expect(isSecretLikeEnv('TOKEN_ENABLED', 'true')).toBe(false);
    expect(isSecretLikeEnv('PASSWORD', '$(FROM_SECRET)')).toBe(false);
    expect(isSecretLikeEnv('KEYCLOAK_URL', 'https://auth.example.com')).toBe(false);
    expect(isSecretLikeEnv('SECRET_NAME', 'billing-db')).toBe(false);
  });

  it('default ServiceAccount token automount: one finding per namespace on the account', () => {
    const finding = one(posture(cluster()), 'posture-default-token-automount', 'default');
    expect(finding.severity).toBe('info');
    expect(finding.resource).toEqual({ kind: 'ServiceAccount', namespace: 'shop', name: 'default' });
    expect(finding.affected).toEqual([{ kind: 'Deployment', namespace: 'shop', name: 'billing' }]);
    const optedOut = snapshotOf({
      deployments: [billing()],
      serviceaccounts: [serviceAccount('shop', 'default', { automountServiceAccountToken: false })],
    });
    expect(posture(optedOut).map((item) => item.rule)).not.toContain('posture-default-token-automount');
    const notCollected = snapshotOf({ deployments: [billing()], serviceaccounts: undefined });
    expect(posture(notCollected).map((item) => item.rule)).not.toContain('posture-default-token-automount');
  });

  it('missing limits, unless a LimitRange gives defaults', () => {
    const finding = one(posture(cluster()), 'posture-missing-limits', 'billing');
    expect(finding.severity).toBe('info');
    expect(finding.summary).toBe('deployment/billing has no resource limits on billing (memory, cpu)');
    const defaulted = snapshotOf({ deployments: [billing()], limitranges: [limitRange('shop')] });
    expect(posture(defaulted).map((item) => item.rule)).not.toContain('posture-missing-limits');
  });

  it('moving image tags, in init containers too; a version or a digest is pinned', () => {
    const finding = one(posture(cluster()), 'posture-mutable-image-tag', 'billing');
    expect(finding.summary).toBe(
      'deployment/billing runs ghcr.io/acme/billing:latest, ghcr.io/acme/billing-migrate by a moving tag',
    );
    expect(finding.evidence.map((item) => item.command)).toContain(
      `kubectl get deployment billing -n shop -o jsonpath='{.spec.template.spec.initContainers[?(@.name=="migrate")].image}'`,
    );
    expect(movingTagOf('registry:5000/team/app')).toBe('latest (no tag)');
    expect(movingTagOf('registry:5000/team/app:main')).toBe('main');
    expect(movingTagOf('app:1.2.3')).toBeUndefined();
    expect(movingTagOf('app@sha256:0123')).toBeUndefined();
  });

  it('every evidence command is allowed by the read-only policy', () => {
    const config = defaultPolicyConfig();
    const commands = posture(cluster()).flatMap((finding) => finding.evidence.map((item) => item.command));
    expect(commands.length).toBeGreaterThan(8);
    for (const command of commands) {
      const decision = evaluate(tokenize(command), config);
      expect(decision.allowed, `${command}: ${decision.reason}`).toBe(true);
    }
  });

  it('rank after every incident, never above warning, and explain nothing', () => {
    // An incident: billing's ServiceAccount does not exist (critical), and a warning-level quota.
    const broken = deployment('shop', 'reports', {
      serviceAccountName: 'reporter',
      containers: [{ name: 'app', image: 'app:latest' }],
    });
    const report = diagnose(snapshotOf({ deployments: [broken, billing()], daemonsets: [nodeAgent()] }), {
      include: ['posture'],
    });
    const categories = report.findings.map((finding) => finding.category);
    const firstPosture = categories.indexOf('posture');
    expect(firstPosture).toBeGreaterThan(0);
    expect(categories.slice(firstPosture).every((category) => category === 'posture')).toBe(true);
    for (const finding of report.findings.filter((item) => item.category === 'posture')) {
      expect(finding.severity).not.toBe('critical');
      expect(finding.causes).toEqual([]);
      expect(finding.causedBy).toEqual([]);
    }
    expect(report.summary.rootCauses).toBe(firstPosture);
    expect(renderTable(report, { color: false })).toMatch(
      /-- security posture \(\d+\): weaknesses, not outages --/,
    );
  });

  it('keeps to the namespace filter', () => {
    const findings = diagnose(cluster(), { include: ['posture'], namespaces: ['monitoring'] }).findings;
    expect(new Set(findings.map((finding) => finding.resource.namespace))).toEqual(new Set(['monitoring']));
  });
});
