import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

import { chartRbacRulesText } from '../src/manifests/index.js';
import type { PolicyRule } from '../src/manifests/index.js';
import { run } from '../src/run.js';
import { createTestIo } from './support/test-io.js';

/** `kubently manifests` with --token: rendering only, no server call. */
async function manifests(args: string[]) {
  const io = createTestIo({ env: {} });
  const code = await run(
    ['manifests', 'prod', '--token', 'tok-123', '--api-url', 'https://kubently.example.com', ...args],
    io,
  );
  return { code, out: io.out(), err: io.err() };
}

type K8sObject = { kind: string; metadata: { name: string; namespace?: string }; [key: string]: unknown };

function objects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

const rulesOf = (all: K8sObject[]): PolicyRule[] =>
  (all.find((object) => object.kind === 'ClusterRole') as unknown as { rules: PolicyRule[] }).rules;
const grants = (rules: PolicyRule[], group: string, resource: string, verb: string): boolean =>
  rules.some(
    (rule) =>
      (rule.apiGroups.includes(group) || rule.apiGroups.includes('*')) &&
      (rule.resources.includes(resource) || rule.resources.includes('*')) &&
      rule.verbs.includes(verb),
  );

describe('kubently manifests --format kubernetes', () => {
  it('prints every object the target cluster needs, with the token in a Secret', async () => {
    const result = await manifests([]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const all = objects(result.out);
    expect(all.map((object) => object.kind)).toEqual([
      'Namespace',
      'ServiceAccount',
      'Secret',
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'Deployment',
    ]);
    const secret = all.find((object) => object.kind === 'Secret') as unknown as { data: { token: string } };
    expect(Buffer.from(secret.data.token, 'base64').toString()).toBe('tok-123');
    const deployment = JSON.stringify(all.find((object) => object.kind === 'Deployment'));
    expect(deployment).toContain('"KUBENTLY_API_URL","value":"https://kubently.example.com"');
    expect(deployment).toContain('"CLUSTER_ID","value":"prod"');
    expect(deployment).not.toContain('tok-123');
    expect(deployment).toContain('"readOnlyRootFilesystem":true');
  });

  it('readOnly: reads everything but Secrets, writes nothing', async () => {
    const rules = rulesOf(objects((await manifests([])).out));
    expect(grants(rules, '', 'pods', 'list')).toBe(true);
    expect(grants(rules, '', 'pods/log', 'get')).toBe(true);
    expect(grants(rules, 'apps', 'deployments', 'watch')).toBe(true);
    expect(grants(rules, 'metrics.k8s.io', 'pods', 'list')).toBe(true);
    expect(grants(rules, '', 'secrets', 'get')).toBe(false);
    expect(grants(rules, '', 'pods/exec', 'create')).toBe(false);
    expect(
      rules.flatMap((rule) => rule.verbs).filter((verb) => !['get', 'list', 'watch'].includes(verb)),
    ).toEqual([]);
  });

  it('--rbac-secrets and --extra-api-group widen reads only', async () => {
    const rules = rulesOf(
      objects((await manifests(['--rbac-secrets', '--extra-api-group', 'cert-manager.io'])).out),
    );
    expect(grants(rules, '', 'secrets', 'list')).toBe(true);
    expect(grants(rules, 'cert-manager.io', 'certificates', 'get')).toBe(true);
    expect(grants(rules, '', 'secrets', 'create')).toBe(false);
  });

  it('fullAccess needs the acknowledgement, then grants writes and exec', async () => {
    const refused = await manifests(['--mode', 'fullAccess']);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('--acknowledge-full-access');
    const result = await manifests(['--mode', 'fullAccess', '--acknowledge-full-access']);
    expect(result.code).toBe(0);
    const rules = rulesOf(objects(result.out));
    expect(grants(rules, 'apps', 'deployments', 'patch')).toBe(true);
    expect(grants(rules, '', 'pods/exec', 'create')).toBe(true);
    expect(grants(rules, '', 'secrets', 'get')).toBe(false);
    const policy = objects(result.out).find((object) => object.kind === 'ConfigMap') as unknown as {
      data: Record<string, string>;
    };
    expect(JSON.parse(policy.data['policy.json'] ?? '{}')).toMatchObject({
      mode: 'fullAccess',
      fullAccessAcknowledged: true,
    });
  });

  it('rejects bad input with the flag and the fix', async () => {
    expect((await manifests(['--format', 'xml'])).err).toContain(
      '--format must be one of kubernetes, helm-values, compose',
    );
    expect((await manifests(['--mode', 'admin'])).err).toContain('--mode must be readOnly');
    expect((await manifests(['--namespace', 'Bad_NS'])).err).toContain('--namespace must be a DNS label');
    expect((await manifests(['--executor-api-url', 'ftp://x'])).err).toContain('must be an http(s) URL');
    expect((await manifests(['--rotate-token'])).err).toContain('exclude each other');
  });
});

describe('kubently manifests --format helm-values and compose', () => {
  it('helm-values: an executor-only release with the same inputs', async () => {
    const result = await manifests(['--format', 'helm-values', '--mode', 'extendedReadOnly', '-n', 'ops']);
    expect(result.code).toBe(0);
    expect(result.out).toContain('helm install kubently deploy/helm/kubently -n ops --create-namespace');
    expect(parse(result.out)).toMatchObject({
      server: { enabled: false },
      executor: {
        enabled: true,
        clusterId: 'prod',
        apiUrl: 'https://kubently.example.com',
        token: { value: 'tok-123' },
        mode: 'extendedReadOnly',
      },
    });
  });

  it('compose: the executor outside the cluster, read-only, with a mounted kubeconfig', async () => {
    const result = await manifests(['--format', 'compose']);
    const compose = parse(result.out) as { services: { executor: Record<string, unknown> } };
    expect(compose.services.executor).toMatchObject({
      read_only: true,
      user: '10001:10001',
      cap_drop: ['ALL'],
      environment: { CLUSTER_ID: 'prod', KUBENTLY_TOKEN: 'tok-123', KUBECONFIG: '/kube/config' },
    });
  });
});

describe('the chart reads its executor RBAC from the same source', () => {
  it('deploy/helm/kubently/files/executor-rbac-rules.json is current (else: npx tsx scripts/generate-chart-rbac.ts)', async () => {
    const file = fileURLToPath(
      new URL('../../../deploy/helm/kubently/files/executor-rbac-rules.json', import.meta.url),
    );
    expect(await readFile(file, 'utf8')).toBe(chartRbacRulesText());
  });
});
