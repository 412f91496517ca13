import { app, node, snapshot, withApps } from '../fixtures/builders.js';
import {
  ingressTo,
  nginxClass,
  scaledToZero,
  scaledToZeroBehindIngress,
  statefulSetDb,
} from '../fixtures/impact-fixtures.js';
import { crashLooping } from '../fixtures/scenarios.js';
import type { RuleCase } from './rule-case.js';

/** Severity and ownership follow impact: a root cause is ranked by what it breaks. */
export const impactCases: readonly RuleCase[] = [
  {
    name: 'Deployment scaled to zero that nothing needs is advisory',
    snapshot: () => snapshot(withApps({}, scaledToZero('batch', false))),
    rule: 'workload-scaled-to-zero',
    resource: 'Deployment/batch',
    severity: 'info',
    summary: /^scaled to 0 replicas; no Service depends on it$/,
    root: true,
  },
  {
    name: 'Deployment scaled to zero behind a Service is the outage',
    snapshot: () => snapshot(withApps({}, scaledToZero('web'))),
    rule: 'workload-scaled-to-zero',
    resource: 'Deployment/web',
    severity: 'critical',
    summary: /^scaled to 0 replicas while Service web depends on it$/,
    root: true,
  },
  {
    name: 'Deployment scaled to zero behind a Service and an Ingress names both',
    snapshot: () => scaledToZeroBehindIngress(),
    rule: 'workload-scaled-to-zero',
    resource: 'Deployment/web',
    severity: 'critical',
    summary: /Service web \(routed by Ingress shop\) depends on it/,
    rootCause: /Ingress shop answers 503/,
    root: true,
  },
  {
    name: 'the Service of a scaled-to-zero Deployment is its symptom, critical',
    snapshot: () => scaledToZeroBehindIngress(),
    rule: 'service-no-endpoints',
    resource: 'Service/web',
    severity: 'critical',
    summary: /deployment\/web is scaled to 0 replicas/,
    root: false,
  },
  {
    name: 'the Ingress to that Service is a symptom too',
    snapshot: () => scaledToZeroBehindIngress(),
    rule: 'ingress-backend',
    resource: 'Ingress/shop',
    severity: 'critical',
    root: false,
  },
  {
    name: 'Deployment scaled to zero while another Deployment serves the Service is advisory',
    snapshot: () => {
      const old = scaledToZero('web-v1', false);
      const current = app('web-v2', { labels: { app: 'web' } });
      const parked = {
        ...old,
        deployment: {
          ...old.deployment,
          spec: {
            ...old.deployment.spec,
            template: {
              ...old.deployment.spec?.template,
              metadata: { labels: { app: 'web', version: 'v1' } },
            },
          },
        },
      };
      const service = { ...current.service!, metadata: { ...current.service!.metadata, name: 'web' } };
      return snapshot({
        ...withApps({}, parked, { ...current, service }),
        endpointslices: [
          {
            ...current.endpointslice!,
            metadata: { ...current.endpointslice!.metadata, labels: { 'kubernetes.io/service-name': 'web' } },
          },
        ],
        ingressclasses: [nginxClass],
        ingresses: [ingressTo('web')],
      });
    },
    rule: 'workload-scaled-to-zero',
    resource: 'Deployment/web-v1',
    severity: 'info',
    root: true,
  },
  {
    name: 'StatefulSet with a missing governing Service owns its crash-looping pods',
    snapshot: () => statefulSetDb({ service: false, crashing: true }),
    rule: 'statefulset-unavailable',
    resource: 'StatefulSet/db',
    severity: 'critical',
    summary: /governing Service db-headless does not exist/,
    rootCause: /db-0\.db-headless/,
    root: true,
  },
  {
    name: 'its pods crash loop is the symptom',
    snapshot: () => statefulSetDb({ service: false, crashing: true }),
    rule: 'container-crash-loop',
    resource: 'StatefulSet/db',
    root: false,
  },
  {
    name: 'StatefulSet with a missing governing Service is critical even while its pods run',
    snapshot: () => statefulSetDb({ service: false, crashing: false }),
    rule: 'statefulset-unavailable',
    resource: 'StatefulSet/db',
    severity: 'critical',
    root: true,
  },
  {
    name: 'StatefulSet scaled to zero without its governing Service is advisory',
    snapshot: () => statefulSetDb({ service: false, crashing: false, replicas: 0 }),
    rule: 'statefulset-unavailable',
    resource: 'StatefulSet/db',
    severity: 'info',
  },
  {
    name: 'StatefulSet with its governing Service and a crash loop: the crash loop is the root',
    snapshot: () => statefulSetDb({ service: true, crashing: true }),
    rule: 'container-crash-loop',
    resource: 'StatefulSet/db',
    severity: 'critical',
    root: true,
  },
  {
    name: 'NotReady node that strands no pod is a warning',
    snapshot: () => snapshot({ nodes: [node('node-1', { ready: 'False' }), node('node-2')] }),
    rule: 'node-not-ready',
    resource: 'Node/node-1',
    severity: 'warning',
    summary: /0 pods stranded/,
  },
  {
    name: 'a warning-level probe misconfiguration behind a critical probe failure is raised to critical',
    snapshot: () => {
      const web = app('web', {
        podReady: false,
        status: { ready: false },
        container: {
          readinessProbe: { httpGet: { path: '/healthz', port: 9090 }, periodSeconds: 10 },
        },
      });
      return snapshot({
        ...withApps({}, web),
        events: web.pods.map((pod) => ({
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: `${pod.metadata?.name ?? ''}.probe`, namespace: 'shop' },
          involvedObject: { kind: 'Pod', namespace: 'shop', name: pod.metadata?.name ?? '' },
          type: 'Warning',
          reason: 'Unhealthy',
          message:
            'Readiness probe failed: Get "http://10.244.1.10:9090/healthz": dial tcp 10.244.1.10:9090: connect: connection refused',
          count: 40,
          lastTimestamp: '2026-11-24T00:59:00Z',
        })),
      });
    },
    rule: 'probe-misconfigured',
    resource: 'Deployment/web',
    severity: 'critical',
    root: true,
  },
  {
    name: 'a missing ConfigMap that only a Deployment at 0 replicas uses breaks the next scale-up, not a service',
    snapshot: () =>
      snapshot(
        withApps(
          { configmaps: [] },
          app('batch', {
            replicas: 0,
            container: { envFrom: [{ configMapRef: { name: 'batch-config' } }] },
            withService: false,
          }),
        ),
      ),
    rule: 'missing-config-reference',
    resource: 'ConfigMap/batch-config',
    severity: 'warning',
    root: true,
  },
  {
    name: 'the same missing ConfigMap is critical as soon as one user wants pods',
    snapshot: () =>
      snapshot(
        withApps(
          { configmaps: [] },
          app('batch', {
            replicas: 0,
            container: { envFrom: [{ configMapRef: { name: 'batch-config' } }] },
            withService: false,
          }),
          app('web', { container: { envFrom: [{ configMapRef: { name: 'batch-config' } }] } }),
        ),
      ),
    rule: 'missing-config-reference',
    resource: 'ConfigMap/batch-config',
    severity: 'critical',
    root: true,
  },
  {
    name: 'a RoleBinding to a missing Role owns the denial of its ServiceAccount (and is raised to critical)',
    snapshot: () => ({
      ...crashLooping(
        1,
        'Error',
        'pods is forbidden: User "system:serviceaccount:shop:default" cannot list resource "pods" in API group "" in the namespace "shop"',
      ),
      roles: [],
      rolebindings: [
        {
          metadata: { name: 'reader', namespace: 'shop' },
          roleRef: { kind: 'Role', name: 'pod-reader' },
          subjects: [{ kind: 'ServiceAccount', name: 'default' }],
        },
      ],
    }),
    rule: 'rbac-binding-broken',
    resource: 'RoleBinding/reader',
    severity: 'critical',
    root: true,
  },
  {
    name: 'the denial is then its symptom',
    snapshot: () => ({
      ...crashLooping(
        1,
        'Error',
        'pods is forbidden: User "system:serviceaccount:shop:default" cannot list resource "pods" in API group "" in the namespace "shop"',
      ),
      roles: [],
      rolebindings: [
        {
          metadata: { name: 'reader', namespace: 'shop' },
          roleRef: { kind: 'Role', name: 'pod-reader' },
          subjects: [{ kind: 'ServiceAccount', name: 'default' }],
        },
      ],
    }),
    rule: 'rbac-access-denied',
    resource: 'ServiceAccount/default',
    root: false,
  },
  {
    name: 'a Pending claim on a missing StorageClass that nothing mounts yet is a warning',
    snapshot: () =>
      snapshot({
        storageclasses: [],
        pvcs: [
          {
            metadata: { name: 'data', namespace: 'shop' },
            spec: { storageClassName: 'fast-ssd' },
            status: { phase: 'Pending' },
          },
        ],
      }),
    rule: 'pvc-pending',
    resource: 'PersistentVolumeClaim/data',
    severity: 'warning',
    root: true,
  },
  {
    name: 'the same claim is critical once a workload mounts it',
    snapshot: () =>
      snapshot({
        ...withApps(
          {},
          app('db', {
            withService: false,
            podSpec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] },
          }),
        ),
        storageclasses: [],
        pvcs: [
          {
            metadata: { name: 'data', namespace: 'shop' },
            spec: { storageClassName: 'fast-ssd' },
            status: { phase: 'Pending' },
          },
        ],
      }),
    rule: 'pvc-pending',
    resource: 'PersistentVolumeClaim/data',
    severity: 'critical',
    root: true,
  },
];
