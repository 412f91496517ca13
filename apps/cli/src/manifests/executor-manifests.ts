import { createHash } from 'node:crypto';

import type { PolicyMode } from '@kubently/protocol';

import { cliVersion } from '../version.js';
import { executorRbacRules } from './executor-rbac-rules.js';

/** What a target cluster's executor needs; the same inputs as the chart's `executor.*` values. */
export interface ExecutorManifestOptions {
  readonly clusterId: string;
  readonly token: string;
  /** The server's URL as reached from the target cluster. */
  readonly apiUrl: string;
  readonly mode: PolicyMode;
  readonly namespace: string;
  readonly secrets: boolean;
  readonly extraApiGroups: readonly string[];
  /** Image repository; the tag is the CLI's version. */
  readonly imageRepository: string;
}

export const defaultExecutorImageRepository = 'kubently/executor';

/** A Kubernetes object as plain data (serialised to YAML or JSON by the caller). */
export type KubernetesObject = Readonly<Record<string, unknown>>;

/**
 * The objects the chart renders for an executor-only release named `kubently` with default values,
 * plus the Namespace (helm's --create-namespace). test/deploy/helm-chart.int.test.ts renders both and
 * requires them equal, so this and deploy/helm/kubently/templates/executor-*.yaml cannot drift.
 */
export function executorManifests(options: ExecutorManifestOptions): KubernetesObject[] {
  const name = 'kubently-executor';
  const namespace = options.namespace;
  const labels = {
    'app.kubernetes.io/name': 'kubently',
    'app.kubernetes.io/instance': 'kubently',
    'app.kubernetes.io/version': cliVersion,
    'app.kubernetes.io/managed-by': 'kubently',
    'app.kubernetes.io/component': 'executor',
  };
  const selector = {
    'app.kubernetes.io/name': 'kubently',
    'app.kubernetes.io/instance': 'kubently',
    'app.kubernetes.io/component': 'executor',
  };
  const policy = executorPolicyText(options.mode);
  const roleName = `${name}-${namespace}`.slice(0, 63).replace(/-+$/, '');
  const securityContext = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  };
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels: { 'app.kubernetes.io/part-of': 'kubently' } },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, labels } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `${name}-token`, namespace, labels },
      type: 'Opaque',
      data: { token: Buffer.from(options.token).toString('base64') },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: roleName, labels, annotations: { 'kubently.dev/mode': options.mode } },
      rules: executorRbacRules(options.mode, {
        secrets: options.secrets,
        extraApiGroups: options.extraApiGroups,
      }),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: roleName, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${name}-policy`, namespace, labels },
      data: { 'policy.json': policy },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: selector,
            annotations: {
              'checksum/policy': createHash('sha256').update(policy).digest('hex').slice(0, 16),
            },
          },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: true,
            securityContext: {
              fsGroup: 10001,
              runAsGroup: 10001,
              runAsNonRoot: true,
              runAsUser: 10001,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: 'executor',
                image: `${options.imageRepository}:${cliVersion}`,
                imagePullPolicy: 'IfNotPresent',
                securityContext,
                env: [
                  { name: 'KUBENTLY_API_URL', value: options.apiUrl },
                  { name: 'CLUSTER_ID', value: options.clusterId },
                  {
                    name: 'KUBENTLY_TOKEN',
                    valueFrom: { secretKeyRef: { name: `${name}-token`, key: 'token' } },
                  },
                  { name: 'KUBENTLY_POLICY_FILE', value: '/etc/kubently/policy/policy.json' },
                  { name: 'KUBENTLY_TRANSPORT', value: 'sse' },
                  { name: 'LOG_LEVEL', value: 'info' },
                  { name: 'KUBENTLY_HEALTH_HOST', value: '0.0.0.0' },
                  { name: 'KUBENTLY_HEALTH_PORT', value: '9090' },
                  { name: 'TMPDIR', value: '/tmp' },
                ],
                ports: [{ name: 'health', containerPort: 9090, protocol: 'TCP' }],
                livenessProbe: {
                  httpGet: { path: '/healthz', port: 'health' },
                  periodSeconds: 10,
                  timeoutSeconds: 3,
                  failureThreshold: 3,
                },
                readinessProbe: {
                  httpGet: { path: '/readyz', port: 'health' },
                  periodSeconds: 5,
                  timeoutSeconds: 3,
                  failureThreshold: 2,
                },
                resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '384Mi' } },
                volumeMounts: [
                  { name: 'tmp', mountPath: '/tmp' },
                  { name: 'policy', mountPath: '/etc/kubently/policy', readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
              { name: 'policy', configMap: { name: `${name}-policy` } },
            ],
          },
        },
      },
    },
  ];
}

/**
 * The executor's policy file, byte for byte what the chart's `toJson` writes (keys sorted). The
 * fullAccess acknowledgement is given by choosing that mode in `kubently manifests` (a flag).
 */
export function executorPolicyText(mode: PolicyMode): string {
  return JSON.stringify({
    extraFlags: [],
    extraVerbs: [],
    fullAccessAcknowledged: mode === 'fullAccess',
    mode,
    restrictedResources: [],
  });
}
