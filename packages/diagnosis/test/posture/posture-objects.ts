/**
 * Objects shaped as `kubectl get -o json` returns them (defaults the API server fills in included),
 * for the posture rules. The plain-text credentials are fake and unique so a test can prove no
 * finding ever repeats them.
 */
export const plainSecrets = {
  dbPassword: 'pg-Fake-8c1f0e2d',
  apiToken: 'tok_fake_91d3a7b2c4e5',
  databaseUrlPassword: 'url-Fake-55aa77',
} as const;

const meta = (
  namespace: string,
  name: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  name,
  namespace,
  uid: `00000000-0000-4000-8000-${name
    .padEnd(12, '0')
    .slice(0, 12)
    .replace(/[^0-9a-f]/g, 'a')}`,
  resourceVersion: '4211',
  generation: 1,
  creationTimestamp: '2026-11-20T10:00:00Z',
  ...extra,
});

const availableStatus = (replicas: number): Record<string, unknown> => ({
  observedGeneration: 1,
  replicas,
  updatedReplicas: replicas,
  readyReplicas: replicas,
  availableReplicas: replicas,
  conditions: [
    {
      type: 'Available',
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      lastTransitionTime: '2026-11-20T10:01:00Z',
    },
    {
      type: 'Progressing',
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      lastTransitionTime: '2026-11-20T10:01:00Z',
    },
  ],
});

const podTemplate = (app: string, spec: Record<string, unknown>): Record<string, unknown> => ({
  metadata: { labels: { app } },
  spec: {
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    schedulerName: 'default-scheduler',
    securityContext: {},
    ...spec,
  },
});

const container = (
  name: string,
  image: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  name,
  image,
  imagePullPolicy: 'IfNotPresent',
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  resources: {},
  ...extra,
});

const limited = {
  resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
};

export const deployment = (
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: meta(namespace, name, {
    labels: { app: name },
    annotations: { 'deployment.kubernetes.io/revision': '1' },
  }),
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    template: podTemplate(name, spec),
  },
  status: availableStatus(1),
});

/** A node agent: privileged, on the host's network and PID namespace, with the kubelet's directory mounted. */
export const nodeAgent = (): Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: meta('monitoring', 'node-agent', { labels: { app: 'node-agent' } }),
  spec: {
    selector: { matchLabels: { app: 'node-agent' } },
    template: podTemplate('node-agent', {
      hostNetwork: true,
      hostPID: true,
      serviceAccountName: 'node-agent',
      containers: [
        container(
          'agent',
          'ghcr.io/acme/node-agent:2.3.1@sha256:3f1c2a9be0d4c3b5a6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
          {
            ...limited,
            securityContext: { privileged: true },
            volumeMounts: [{ name: 'kubelet', mountPath: '/var/lib/kubelet', readOnly: true }],
          },
        ),
      ],
      volumes: [{ name: 'kubelet', hostPath: { path: '/var/lib/kubelet', type: 'Directory' } }],
    }),
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
  },
  status: {
    currentNumberScheduled: 2,
    desiredNumberScheduled: 2,
    numberAvailable: 2,
    numberReady: 2,
    updatedNumberScheduled: 2,
    observedGeneration: 1,
    numberMisscheduled: 0,
  },
});

/** A Deployment with every application-side weakness: plain credentials, latest, no limits, default SA. */
export const billing = (): Record<string, unknown> =>
  deployment('shop', 'billing', {
    containers: [
      container('billing', 'ghcr.io/acme/billing:latest', {
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        env: [
          { name: 'LOG_LEVEL', value: 'debug' },
          { name: 'DB_PASSWORD', value: plainSecrets.dbPassword },
          { name: 'apiToken', value: plainSecrets.apiToken },
          {
            name: 'DATABASE_URL',
            value: `postgres://billing:${plainSecrets.databaseUrlPassword}@db:5432/billing`,
          },
          { name: 'DB_PASSWORD_FILE', value: '/run/secrets/db-password' },
          { name: 'TOKEN_TTL', value: '3600' },
          { name: 'SESSION_SECRET', value: '' },
          { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis', key: 'password' } } },
        ],
      }),
    ],
    initContainers: [container('migrate', 'ghcr.io/acme/billing-migrate', { ...limited })],
  });

/** Nothing to report: own ServiceAccount without a token, limits, a version tag, credentials from a Secret. */
export const hardened = (): Record<string, unknown> =>
  deployment('shop', 'catalog', {
    serviceAccountName: 'catalog',
    automountServiceAccountToken: false,
    containers: [
      container('catalog', 'ghcr.io/acme/catalog:1.8.0', {
        ...limited,
        securityContext: {
          allowPrivilegeEscalation: false,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
        },
        env: [
          { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'catalog-db', key: 'password' } } },
          { name: 'PASSWORD_MIN_LENGTH', value: '12' },
        ],
      }),
    ],
  });

export const serviceAccount = (
  namespace: string,
  name: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: meta(namespace, name),
  ...extra,
});

export const limitRange = (namespace: string): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'LimitRange',
  metadata: meta(namespace, 'defaults'),
  spec: {
    limits: [
      {
        type: 'Container',
        default: { cpu: '500m', memory: '512Mi' },
        defaultRequest: { cpu: '100m', memory: '128Mi' },
      },
    ],
  },
});
