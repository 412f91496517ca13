import { broken } from '../fixtures/scenarios.js';
import type { RuleCase } from './rule-case.js';

export const templatesCases: readonly RuleCase[] = [
  {
    name: 'ConfigMap key missing: reported on the ConfigMap before the kubelet',
    snapshot: () =>
      broken(
        {
          container: {
            env: [
              { name: 'DB_HOST', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'DB_HOST' } } },
            ],
          },
        },
        () => ({
          configmaps: [{ namespace: 'shop', name: 'web-config', keys: ['DB_PORT'] }],
        }),
      ),
    rule: 'missing-config-reference',
    resource: 'ConfigMap/web-config',
    severity: 'critical',
    summary: /has no key DB_HOST, which deployment\/web need/,
    root: true,
  },
  {
    name: 'Secret referenced by envFrom does not exist',
    snapshot: () => broken({ container: { envFrom: [{ secretRef: { name: 'web-secrets' } }] } }),
    rule: 'missing-config-reference',
    resource: 'Secret/web-secrets',
    summary: /Secret web-secrets does not exist/,
  },
  {
    name: 'probe on an undeclared named port',
    snapshot: () =>
      broken({ container: { readinessProbe: { httpGet: { path: '/ready', port: 'metrics' } } } }),
    rule: 'probe-misconfigured',
    resource: 'Deployment/web',
    severity: 'warning',
    summary: /port name "metrics", which the container does not declare/,
  },
  {
    name: 'probe on an unexposed port number',
    snapshot: () => broken({ container: { readinessProbe: { tcpSocket: { port: 9090 } } } }),
    rule: 'probe-misconfigured',
    resource: 'Deployment/web',
    summary: /probes port 9090, which the container does not expose/,
  },
  {
    name: 'aggressive liveness timing',
    snapshot: () =>
      broken({
        container: {
          livenessProbe: { httpGet: { path: '/live', port: 8080 }, periodSeconds: 2, failureThreshold: 1 },
        },
      }),
    rule: 'probe-misconfigured',
    resource: 'Deployment/web',
    severity: 'info',
    summary: /gives the app only 2s/,
  },
  {
    name: 'missing ServiceAccount, seen in the template before FailedCreate',
    snapshot: () => broken({ podSpec: { serviceAccountName: 'web-sa' } }),
    rule: 'missing-service-account',
    resource: 'ServiceAccount/web-sa',
    severity: 'critical',
  },
  {
    name: 'LimitRange max exceeded by the template',
    snapshot: () =>
      broken(
        { container: { resources: { limits: { cpu: '4', memory: '1Gi' }, requests: { cpu: '1' } } } },
        () => ({
          limitranges: [
            {
              metadata: { name: 'caps', namespace: 'shop' },
              spec: { limits: [{ type: 'Container', max: { cpu: '2' } }] },
            },
          ],
        }),
      ),
    rule: 'limitrange-violation',
    resource: 'LimitRange/caps',
    summary: /cpu limit 4 > max 2/,
  },
  {
    name: 'image pull Secret missing',
    snapshot: () => broken({ podSpec: { imagePullSecrets: [{ name: 'regcred' }] } }),
    rule: 'missing-image-pull-secret',
    resource: 'Secret/regcred',
  },
  {
    name: 'image pull Secret of the wrong type',
    snapshot: () =>
      broken({ podSpec: { imagePullSecrets: [{ name: 'regcred' }] } }, () => ({
        secrets: [{ namespace: 'shop', name: 'regcred', type: 'Opaque', keys: ['password'] }],
      })),
    rule: 'missing-image-pull-secret',
    resource: 'Secret/regcred',
    summary: /type Opaque/,
  },
  {
    name: 'PVC referenced by the template does not exist',
    snapshot: () =>
      broken({ podSpec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'web-data' } }] } }),
    rule: 'missing-pvc',
    resource: 'PersistentVolumeClaim/web-data',
  },
];
