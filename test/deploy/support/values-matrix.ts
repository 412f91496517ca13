/** Chart values every chart test renders: one entry per supported shape of an install. */
export interface ValuesCase {
  readonly name: string;
  readonly values: Record<string, unknown>;
}

const executorOnly = (executor: Record<string, unknown>): Record<string, unknown> => ({
  server: { enabled: false },
  executor: {
    enabled: true,
    clusterId: 'prod',
    apiUrl: 'https://kubently.example.com',
    token: { value: 'token-for-tests' },
    ...executor,
  },
});

export const valuesMatrix: readonly ValuesCase[] = [
  { name: 'defaults', values: {} },
  {
    name: 'bundled Redis, 2 replicas, PDB, HPA, NetworkPolicy, ServiceMonitor, Ingress with TLS, OIDC',
    values: {
      redis: { enabled: true },
      server: {
        replicas: 2,
        pdb: { enabled: true },
        hpa: { enabled: true },
        networkPolicy: { enabled: true },
        serviceMonitor: { enabled: true },
        oidc: { issuer: 'https://issuer.example.com', audience: 'kubently' },
        ingress: {
          enabled: true,
          className: 'nginx',
          hosts: [{ host: 'kubently.example.com', paths: [{ path: '/', pathType: 'Prefix' }] }],
          tls: [{ secretName: 'kubently-tls', hosts: ['kubently.example.com'] }],
        },
      },
    },
  },
  {
    name: 'external Redis from a Secret, keys from a Secret',
    values: {
      server: {
        replicas: 3,
        redis: { existingSecret: 'kubently-redis', secretKey: 'url' },
        apiKeys: { existingSecret: 'kubently-keys' },
      },
    },
  },
  { name: 'executor only, readOnly', values: executorOnly({ mode: 'readOnly' }) },
  { name: 'executor only, extendedReadOnly', values: executorOnly({ mode: 'extendedReadOnly' }) },
  {
    name: 'executor only, fullAccess acknowledged',
    values: executorOnly({ mode: 'fullAccess', fullAccess: { acknowledged: true } }),
  },
  {
    name: 'executor only, readOnly with Secrets, a CRD group and a policy',
    values: executorOnly({
      rbac: { secrets: true, extraApiGroups: ['cert-manager.io'] },
      policy: { restrictedResources: ['configmaps'], extraFlags: ['--show-kind'] },
      token: { existingSecret: 'executor-token' },
    }),
  },
  {
    name: 'server and executor in one release',
    values: { executor: { enabled: true, clusterId: 'local', token: { value: 'token-for-tests' } } },
  },
  {
    name: 'server TLS from a Secret, scrapers from the monitoring namespace, OIDC claim mapping',
    values: {
      server: {
        tls: { existingSecret: 'kubently-server-tls' },
        networkPolicy: {
          enabled: true,
          metricsFrom: [
            { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
          ],
        },
        serviceMonitor: { enabled: true },
        oidc: {
          existingSecret: 'kubently-oidc',
          identityClaim: 'email',
          roleClaim: 'groups',
          roleMap: { 'sre-team': 'operator', platform: 'admin' },
          defaultRole: 'viewer',
          clustersClaim: 'kubently_clusters',
          algorithms: ['RS256', 'EdDSA'],
        },
      },
    },
  },
  {
    name: 'executor only, trusting a private CA for the server',
    values: executorOnly({ serverCa: { existingSecret: 'kubently-server-ca' } }),
  },
  {
    name: 'server behind a TLS-terminating proxy, no metrics listener',
    values: { server: { tls: { terminatedByProxy: true }, metrics: { port: 0 } } },
  },
];

/** Values the chart must refuse, with the words its message must contain. */
export const rejectedValues: readonly { name: string; values: Record<string, unknown>; message: RegExp }[] = [
  {
    name: 'an unknown mode',
    values: { executor: { mode: 'admin' } },
    message: /at '\/executor\/mode': value must be one of 'readOnly', 'extendedReadOnly', 'fullAccess'/,
  },
  {
    name: 'a misspelt key',
    values: { server: { replica: 2 } },
    message: /at '\/server': additional properties 'replica' not allowed/,
  },
  {
    name: 'a cluster id that is not a DNS label',
    values: executorOnly({ clusterId: 'Prod_EU' }),
    message: /'Prod_EU' does not match pattern/,
  },
  {
    name: 'a Redis URL with another scheme',
    values: { server: { redis: { url: 'http://redis:6379' } } },
    message: /at '\/server\/redis\/url': 'http:\/\/redis:6379' does not match pattern/,
  },
  {
    name: 'fullAccess without the acknowledgement',
    values: executorOnly({ mode: 'fullAccess' }),
    message:
      /executor.mode=fullAccess lets callers change the cluster: set executor.fullAccess.acknowledged=true/,
  },
  {
    name: 'two replicas on the memory backend',
    values: { server: { replicas: 2 } },
    message: /server.replicas > 1 and server.hpa.enabled need shared state: set redis.enabled=true/,
  },
  {
    name: 'an executor alone without the server URL',
    values: executorOnly({ apiUrl: '' }),
    message: /executor.apiUrl is required when server.enabled=false/,
  },
  {
    name: 'an executor without a token',
    values: executorOnly({ token: { value: '' } }),
    message: /executor.token.value or executor.token.existingSecret is required/,
  },
  {
    name: 'an executor without a cluster id',
    values: executorOnly({ clusterId: '' }),
    message: /executor.clusterId is required/,
  },
  {
    name: 'an extra policy flag without its dashes',
    values: executorOnly({ policy: { extraFlags: ['show-kind'] } }),
    message: /at '\/executor\/policy\/extraFlags\/0': 'show-kind' does not match pattern/,
  },
  {
    name: 'nothing enabled',
    values: { server: { enabled: false } },
    message: /nothing to install/,
  },
  {
    name: 'a ServiceMonitor without the metrics listener',
    values: { server: { serviceMonitor: { enabled: true }, metrics: { port: 0 } } },
    message: /server.serviceMonitor.enabled scrapes the metrics port: set server.metrics.port/,
  },
  {
    name: 'an OIDC role map to an unknown role',
    values: { server: { oidc: { roleMap: { 'sre-team': 'root' } } } },
    message: /at '\/server\/oidc\/roleMap\/sre-team': value must be one of 'admin', 'operator', 'viewer'/,
  },
  {
    name: 'a PDB on one replica',
    values: { server: { pdb: { enabled: true } } },
    message: /server.pdb.enabled with server.replicas=1 would block node drains/,
  },
];
