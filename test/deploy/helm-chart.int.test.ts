import { parsePolicyConfig } from '@kubently/policy';
import type { PolicyMode } from '@kubently/protocol';
import { beforeAll, describe, expect, it } from 'vitest';

import { executorManifests, executorRbacRules } from '../../apps/cli/src/manifests/index.js';
import { parseOidcEnvironment } from '../../apps/server/src/oidc-config.js';
import type { KubernetesObject } from '../../apps/cli/src/manifests/index.js';
import { chartDir, helmBinary, helmWithValues, renderChart } from './support/helm.js';
import type { RenderedObject } from './support/helm.js';
import { rejectedValues, valuesMatrix } from './support/values-matrix.js';

/**
 * deploy/helm/kubently with the real Helm CLI (built from helm.sh/helm/v4 by deploy/helm/build.sh):
 * lint and template over the values matrix, what each shape renders, the schema and the template
 * checks refusing bad values with their message, and the executor objects equal to `kubently
 * manifests`. Applying them to a real apiserver is test/deploy/helm-install.e2e.test.ts.
 */
let helm: string;

beforeAll(async () => {
  helm = await helmBinary();
}, 3_600_000);

interface Container {
  name: string;
  securityContext: Record<string, unknown>;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  ports?: { name: string; containerPort: number }[];
  startupProbe?: { httpGet?: { path: string; port: string; scheme?: string } };
  livenessProbe?: { httpGet?: { path: string; port: string; scheme?: string } };
  readinessProbe?: { httpGet?: { path: string; port: string; scheme?: string } };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  securityContext: Record<string, unknown>;
  containers: Container[];
  automountServiceAccountToken?: boolean;
  volumes?: { name: string; emptyDir?: unknown; secret?: Record<string, unknown> }[];
}

const find = (objects: readonly RenderedObject[], kind: string, nameEnd = ''): RenderedObject | undefined =>
  objects.find((object) => object.kind === kind && object.metadata.name.endsWith(nameEnd));
const podSpec = (deployment: RenderedObject | undefined): PodSpec =>
  (deployment as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
const envOf = (container: Container | undefined, name: string) =>
  container?.env?.find((entry) => entry.name === name);

describe.each(valuesMatrix)('values: $name', ({ values }) => {
  it('passes helm lint --strict', async () => {
    const result = await helmWithValues(helm, ['lint', chartDir, '--strict'], values);
    expect(result.stdout + result.stderr).toContain('0 chart(s) failed');
    expect(result.code).toBe(0);
  });

  it('gives the executor a policy file its parser accepts (fail-closed at start otherwise)', async () => {
    const objects = await renderChart(helm, values);
    const policy = find(objects, 'ConfigMap', '-policy') as unknown as
      { data: Record<string, string> } | undefined;
    if (policy === undefined) {
      expect(find(objects, 'Deployment', '-executor')).toBeUndefined();
      return;
    }
    const parsed = parsePolicyConfig(JSON.parse(policy.data['policy.json'] ?? 'null'));
    const executor = (values as { executor?: { mode?: string } }).executor;
    expect(parsed.mode).toBe(executor?.mode ?? 'readOnly');
  });

  it('renders only hardened pods: non-root, read-only root fs, no capabilities, RuntimeDefault seccomp', async () => {
    const objects = await renderChart(helm, values);
    const deployments = objects.filter((object) => object.kind === 'Deployment');
    expect(deployments.length).toBeGreaterThan(0);
    for (const deployment of deployments) {
      const spec = podSpec(deployment);
      expect(spec.securityContext, deployment.metadata.name).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      for (const container of spec.containers) {
        expect(container.securityContext, `${deployment.metadata.name}/${container.name}`).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
      }
    }
  });
});

describe('what each shape renders', () => {
  it('defaults: one server, probes on /healthz and /readyz, a generated admin key, no executor', async () => {
    const objects = await renderChart(helm, {});
    const server = podSpec(find(objects, 'Deployment', '-server'));
    const container = server.containers[0];
    expect(container?.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(container?.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(server.automountServiceAccountToken).toBe(false);
    expect(envOf(container, 'KUBENTLY_REDIS_URL')).toBeUndefined();
    const keys = find(objects, 'Secret', '-api-keys') as unknown as { data: Record<string, string> };
    expect(Buffer.from(keys.data['api-keys'] ?? '', 'base64').toString()).toMatch(
      /^admin:[A-Za-z0-9]{48}:admin$/,
    );
    expect(objects.filter((object) => object.metadata.name.includes('executor'))).toEqual([]);
  });

  it('the full server: Redis wired, PDB, HPA owning replicas, NetworkPolicy, ServiceMonitor on /metrics, TLS Ingress, OIDC', async () => {
    const objects = await renderChart(helm, valuesMatrix[1]?.values ?? {});
    const deployment = find(objects, 'Deployment', '-server') as unknown as { spec: Record<string, unknown> };
    expect(deployment.spec.replicas).toBeUndefined();
    const container = podSpec(find(objects, 'Deployment', '-server')).containers[0];
    expect(envOf(container, 'KUBENTLY_REDIS_URL')?.value).toBe('redis://kubently-redis:6379');
    expect(envOf(container, 'KUBENTLY_OIDC_ISSUER')?.value).toBe('https://issuer.example.com');
    expect(find(objects, 'Deployment', '-redis')).toBeDefined();
    expect(find(objects, 'PodDisruptionBudget')).toMatchObject({ spec: { minAvailable: 1 } });
    expect(find(objects, 'HorizontalPodAutoscaler')).toMatchObject({
      spec: { minReplicas: 2, maxReplicas: 5 },
    });
    const policies = objects
      .filter((object) => object.kind === 'NetworkPolicy')
      .map((object) => object.metadata.name);
    expect(policies.sort()).toEqual(['kubently-redis', 'kubently-server']);
    // /metrics is served only by the metrics listener (the main port answers 404 without a token).
    expect(envOf(container, 'KUBENTLY_METRICS_PORT')?.value).toBe('9464');
    expect(envOf(container, 'KUBENTLY_METRICS_HOST')?.value).toBe('0.0.0.0');
    expect(container?.ports).toContainEqual({ name: 'metrics', containerPort: 9464, protocol: 'TCP' });
    expect(find(objects, 'Service', '-server')).toMatchObject({
      spec: { ports: [{ name: 'http' }, { name: 'metrics', port: 9464, targetPort: 'metrics' }] },
    });
    expect(find(objects, 'ServiceMonitor')).toMatchObject({
      spec: { endpoints: [{ port: 'metrics', path: '/metrics', scheme: 'http' }] },
    });
    const policy = find(objects, 'NetworkPolicy', '-server') as unknown as {
      spec: { ingress: { ports: { port: string }[]; from?: unknown[] }[] };
    };
    // The API port from any source (ingressFrom empty); the metrics port only from this namespace.
    expect(policy.spec.ingress).toEqual([
      { ports: [{ port: 'http', protocol: 'TCP' }] },
      { ports: [{ port: 'metrics', protocol: 'TCP' }], from: [{ podSelector: {} }] },
    ]);
    expect(envOf(container, 'KUBENTLY_TLS_CERT_FILE')).toBeUndefined();
    expect(container?.readinessProbe?.httpGet?.scheme).toBe('HTTP');
    expect(find(objects, 'Ingress')).toMatchObject({
      spec: {
        ingressClassName: 'nginx',
        tls: [{ secretName: 'kubently-tls', hosts: ['kubently.example.com'] }],
      },
    });
  });

  it('external Redis and keys come from Secrets, never inline', async () => {
    const objects = await renderChart(helm, valuesMatrix[2]?.values ?? {});
    const container = podSpec(find(objects, 'Deployment', '-server')).containers[0];
    expect(envOf(container, 'KUBENTLY_REDIS_URL')?.valueFrom).toEqual({
      secretKeyRef: { name: 'kubently-redis', key: 'url' },
    });
    expect(envOf(container, 'KUBENTLY_API_KEYS')?.valueFrom).toEqual({
      secretKeyRef: { name: 'kubently-keys', key: 'api-keys' },
    });
    expect(find(objects, 'Secret')).toBeUndefined();
  });

  it('an executor: its token from a Secret, the policy file from a ConfigMap, /tmp writable, the ServiceAccount token mounted', async () => {
    const objects = await renderChart(helm, valuesMatrix[6]?.values ?? {});
    const spec = podSpec(find(objects, 'Deployment', '-executor'));
    const container = spec.containers[0];
    expect(envOf(container, 'KUBENTLY_TOKEN')?.valueFrom).toEqual({
      secretKeyRef: { name: 'executor-token', key: 'token' },
    });
    expect(envOf(container, 'KUBENTLY_POLICY_FILE')?.value).toBe('/etc/kubently/policy/policy.json');
    expect(envOf(container, 'TMPDIR')?.value).toBe('/tmp');
    expect(container?.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(spec.volumes?.find((volume) => volume.name === 'tmp')?.emptyDir).toBeDefined();
    expect(spec.automountServiceAccountToken).toBe(true);
    expect(container?.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(container?.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(envOf(container, 'KUBENTLY_CA_FILE')).toBeUndefined();
    const policy = find(objects, 'ConfigMap', '-policy') as unknown as { data: Record<string, string> };
    expect(JSON.parse(policy.data['policy.json'] ?? '{}')).toEqual({
      mode: 'readOnly',
      fullAccessAcknowledged: false,
      extraVerbs: [],
      extraFlags: ['--show-kind'],
      restrictedResources: ['configmaps'],
    });
    const role = find(objects, 'ClusterRole') as unknown as { rules: unknown };
    expect(role.rules).toEqual(
      executorRbacRules('readOnly', { secrets: true, extraApiGroups: ['cert-manager.io'] }),
    );
  });
});

describe('TLS, metrics and OIDC claim mapping', () => {
  it('server TLS from a Secret: mounted read-only, files named, probes on HTTPS, the metrics listener still HTTP', async () => {
    const objects = await renderChart(helm, valuesMatrix[8]?.values ?? {});
    const spec = podSpec(find(objects, 'Deployment', '-server'));
    const container = spec.containers[0];
    expect(envOf(container, 'KUBENTLY_TLS_CERT_FILE')?.value).toBe('/etc/kubently/tls/tls.crt');
    expect(envOf(container, 'KUBENTLY_TLS_KEY_FILE')?.value).toBe('/etc/kubently/tls/tls.key');
    expect(envOf(container, 'KUBENTLY_TLS_TERMINATED_BY_PROXY')).toBeUndefined();
    expect(container?.volumeMounts).toContainEqual({
      name: 'tls',
      mountPath: '/etc/kubently/tls',
      readOnly: true,
    });
    expect(spec.volumes?.find((volume) => volume.name === 'tls')?.secret).toMatchObject({
      secretName: 'kubently-server-tls',
    });
    for (const probe of [container?.startupProbe, container?.livenessProbe, container?.readinessProbe]) {
      expect(probe?.httpGet).toMatchObject({ port: 'http', scheme: 'HTTPS' });
    }
    expect(find(objects, 'ServiceMonitor')).toMatchObject({
      spec: { endpoints: [{ port: 'metrics', scheme: 'http' }] },
    });
    const policy = find(objects, 'NetworkPolicy', '-server') as unknown as {
      spec: { ingress: { ports: { port: string }[]; from?: unknown[] }[] };
    };
    expect(policy.spec.ingress[1]).toEqual({
      ports: [{ port: 'metrics', protocol: 'TCP' }],
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
    });
  });

  it('OIDC claim mapping: every variable set is one the server reads, and it parses', async () => {
    const objects = await renderChart(helm, valuesMatrix[8]?.values ?? {});
    const container = podSpec(find(objects, 'Deployment', '-server')).containers[0];
    const oidc = (container?.env ?? []).filter((entry) => entry.name.startsWith('KUBENTLY_OIDC_'));
    expect(envOf(container, 'KUBENTLY_OIDC_ISSUER')?.valueFrom).toEqual({
      secretKeyRef: { name: 'kubently-oidc', key: 'issuer' },
    });
    // The Secret's values stand in for the two secretKeyRefs; the rest is parsed as rendered.
    const env: Record<string, string> = {
      KUBENTLY_OIDC_ISSUER: 'https://issuer.example.com',
      KUBENTLY_OIDC_AUDIENCE: 'kubently',
    };
    for (const entry of oidc) if (entry.value !== undefined) env[entry.name] = entry.value;
    expect(Object.keys(env).sort()).toEqual([
      'KUBENTLY_OIDC_ALGORITHMS',
      'KUBENTLY_OIDC_AUDIENCE',
      'KUBENTLY_OIDC_CLUSTERS_CLAIM',
      'KUBENTLY_OIDC_DEFAULT_ROLE',
      'KUBENTLY_OIDC_IDENTITY_CLAIM',
      'KUBENTLY_OIDC_ISSUER',
      'KUBENTLY_OIDC_ROLE_CLAIM',
      'KUBENTLY_OIDC_ROLE_MAP',
    ]);
    expect(parseOidcEnvironment(env)).toMatchObject({
      algorithms: ['RS256', 'EdDSA'],
      identityClaim: 'email',
      roleClaim: 'groups',
      roleMap: { 'sre-team': 'operator', platform: 'admin' },
      defaultRole: 'viewer',
      clustersClaim: 'kubently_clusters',
    });
  });

  it('TLS terminated by a proxy and no metrics listener: the flag set, no metrics port anywhere', async () => {
    const objects = await renderChart(helm, valuesMatrix[10]?.values ?? {});
    const container = podSpec(find(objects, 'Deployment', '-server')).containers[0];
    expect(envOf(container, 'KUBENTLY_TLS_TERMINATED_BY_PROXY')?.value).toBe('true');
    expect(envOf(container, 'KUBENTLY_METRICS_PORT')).toBeUndefined();
    expect(container?.ports?.map((port) => port.name)).toEqual(['http']);
    expect(container?.livenessProbe?.httpGet?.scheme).toBe('HTTP');
    const service = find(objects, 'Service', '-server') as unknown as { spec: { ports: { name: string }[] } };
    expect(service.spec.ports.map((port) => port.name)).toEqual(['http']);
  });

  it("the executor trusts the server's private CA: the Secret's key mounted read-only and named by KUBENTLY_CA_FILE", async () => {
    const objects = await renderChart(helm, valuesMatrix[9]?.values ?? {});
    const spec = podSpec(find(objects, 'Deployment', '-executor'));
    const container = spec.containers[0];
    expect(envOf(container, 'KUBENTLY_CA_FILE')?.value).toBe('/etc/kubently/server-ca/ca.crt');
    expect(container?.volumeMounts).toContainEqual({
      name: 'server-ca',
      mountPath: '/etc/kubently/server-ca',
      readOnly: true,
    });
    expect(spec.volumes?.find((volume) => volume.name === 'server-ca')?.secret).toEqual({
      secretName: 'kubently-server-ca',
      items: [{ key: 'ca.crt', path: 'ca.crt' }],
    });
  });
});

describe('refused values', () => {
  it.each(rejectedValues)('$name', async ({ values, message }) => {
    const result = await helmWithValues(helm, ['template', 'kubently', chartDir], values);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });
});

/** Drops what only one side can say (Helm's own labels) and the Namespace helm leaves to --create-namespace. */
function comparable(objects: readonly (RenderedObject | KubernetesObject)[]): unknown[] {
  return objects
    .map((object) => JSON.parse(JSON.stringify(object)) as RenderedObject)
    .filter((object) => object.kind !== 'Namespace')
    .map((object) => {
      const labels = { ...object.metadata.labels };
      delete labels['helm.sh/chart'];
      delete labels['app.kubernetes.io/managed-by'];
      return { ...object, metadata: { ...object.metadata, labels } };
    })
    .sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
}

describe('one source: `kubently manifests` equals the chart for the same inputs', () => {
  const cases: { mode: PolicyMode; secrets: boolean; extraApiGroups: string[] }[] = [
    { mode: 'readOnly', secrets: false, extraApiGroups: [] },
    { mode: 'extendedReadOnly', secrets: false, extraApiGroups: ['cert-manager.io'] },
    { mode: 'fullAccess', secrets: true, extraApiGroups: [] },
  ];
  it.each(cases)(
    '$mode, secrets $secrets, groups $extraApiGroups',
    async ({ mode, secrets, extraApiGroups }) => {
      const inputs = { clusterId: 'edge', token: 'token-for-tests', apiUrl: 'https://kubently.example.com' };
      const chart = await renderChart(
        helm,
        {
          server: { enabled: false },
          executor: {
            enabled: true,
            clusterId: inputs.clusterId,
            apiUrl: inputs.apiUrl,
            token: { value: inputs.token },
            mode,
            fullAccess: { acknowledged: mode === 'fullAccess' },
            rbac: { secrets, extraApiGroups },
          },
        },
        'kubently-edge',
      );
      const cli = executorManifests({
        ...inputs,
        mode,
        namespace: 'kubently-edge',
        secrets,
        extraApiGroups,
        imageRepository: 'kubently/executor',
      });
      expect(comparable(cli)).toEqual(comparable(chart));
    },
  );
});
