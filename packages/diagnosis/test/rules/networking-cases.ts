import { app, minutesAgo, snapshot, withApps } from '../fixtures/builders.js';
import { broken, crashLooping } from '../fixtures/scenarios.js';
import type { RuleCase } from './rule-case.js';

export const networkingCases: readonly RuleCase[] = [
  {
    name: 'Service selector typo, with the near miss',
    snapshot: () => broken({ serviceSelector: { app: 'web-frontend' } }),
    rule: 'service-no-endpoints',
    resource: 'Service/web',
    summary: /selector app=web-frontend matches no pods \(pods carry app=web\)/,
    root: true,
  },
  {
    name: 'Service targetPort number not exposed',
    snapshot: () => broken({ targetPort: 8081 }),
    rule: 'service-port-mismatch',
    resource: 'Service/web',
    summary: /targets 8081, but the pods expose http:8080\/TCP/,
  },
  {
    name: 'Service named targetPort not declared',
    snapshot: () => broken({ targetPort: 'web' }),
    rule: 'service-port-mismatch',
    resource: 'Service/web',
    summary: /port name "web"/,
  },
  {
    name: 'Service protocol mismatch',
    snapshot: () => {
      const built = app('web');
      const service = built.service!;
      return snapshot(
        withApps(
          {},
          {
            ...built,
            service: {
              ...service,
              spec: {
                ...service.spec,
                ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'UDP' }],
              },
            },
          },
        ),
      );
    },
    rule: 'service-port-mismatch',
    resource: 'Service/web',
    summary: /uses UDP but the container port 8080 is TCP/,
  },
  {
    name: 'LoadBalancer without address',
    snapshot: () =>
      snapshot({
        services: [
          {
            metadata: { name: 'edge', namespace: 'shop', creationTimestamp: minutesAgo(45) },
            spec: { type: 'LoadBalancer', ports: [{ port: 443 }] },
            status: { loadBalancer: {} },
          },
        ],
      }),
    rule: 'service-loadbalancer-pending',
    resource: 'Service/edge',
    summary: /no external address after 45m/,
  },
  {
    name: 'Ingress to a missing Service',
    snapshot: () =>
      snapshot({
        ingressclasses: [{ metadata: { name: 'nginx' } }],
        ingresses: [
          {
            metadata: { name: 'shop', namespace: 'shop' },
            spec: {
              ingressClassName: 'nginx',
              rules: [
                {
                  host: 'shop.example.com',
                  http: {
                    paths: [
                      { path: '/', backend: { service: { name: 'storefront', port: { number: 80 } } } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      }),
    rule: 'ingress-backend',
    resource: 'Ingress/shop',
    summary: /backend Service storefront \(shop.example.com\/\) does not exist/,
  },
  {
    name: 'Ingress to a port the Service lacks',
    snapshot: () =>
      broken({}, () => ({
        ingressclasses: [{ metadata: { name: 'nginx' } }],
        ingresses: [
          {
            metadata: { name: 'shop', namespace: 'shop' },
            spec: {
              ingressClassName: 'nginx',
              rules: [
                {
                  http: {
                    paths: [{ path: '/', backend: { service: { name: 'web', port: { number: 8080 } } } }],
                  },
                },
              ],
            },
          },
        ],
      })),
    rule: 'ingress-backend',
    resource: 'Ingress/shop',
    summary: /backend port 8080 is not a port of Service web/,
  },
  {
    name: 'IngressClass missing',
    snapshot: () =>
      broken({}, () => ({
        ingressclasses: [{ metadata: { name: 'nginx' } }],
        ingresses: [
          {
            metadata: { name: 'shop', namespace: 'shop' },
            spec: {
              ingressClassName: 'traefik',
              defaultBackend: { service: { name: 'web', port: { number: 80 } } },
            },
          },
        ],
      })),
    rule: 'ingress-class-missing',
    resource: 'Ingress/shop',
    summary: /IngressClass traefik does not exist/,
  },
  {
    name: 'Ingress TLS Secret missing',
    snapshot: () =>
      broken({}, () => ({
        ingressclasses: [{ metadata: { name: 'nginx' } }],
        ingresses: [
          {
            metadata: { name: 'shop', namespace: 'shop' },
            spec: {
              ingressClassName: 'nginx',
              tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
              defaultBackend: { service: { name: 'web', port: { number: 80 } } },
            },
          },
        ],
      })),
    rule: 'ingress-tls-secret-missing',
    resource: 'Ingress/shop',
  },
  {
    name: 'NetworkPolicy default deny ingress with no allow rule',
    snapshot: () =>
      broken({}, () => ({
        networkpolicies: [
          {
            metadata: { name: 'deny-all', namespace: 'shop' },
            spec: { podSelector: {}, policyTypes: ['Ingress'] },
          },
        ],
      })),
    rule: 'network-policy-blocks-ingress',
    resource: 'NetworkPolicy/deny-all',
    summary: /denies all ingress to the pods behind Service web/,
  },
  {
    name: 'NetworkPolicy allows only clients that do not exist',
    snapshot: () =>
      broken({}, () => ({
        networkpolicies: [
          {
            metadata: { name: 'web-from-frontend', namespace: 'shop' },
            spec: {
              podSelector: { matchLabels: { app: 'web' } },
              ingress: [{ from: [{ podSelector: { matchLabels: { role: 'frontend' } } }] }],
            },
          },
        ],
      })),
    rule: 'network-policy-blocks-ingress',
    resource: 'NetworkPolicy/web-from-frontend',
    summary: /only from pods labeled role=frontend/,
  },
  {
    name: 'NetworkPolicy egress without DNS',
    snapshot: () =>
      broken({}, () => ({
        networkpolicies: [
          {
            metadata: { name: 'egress-db-only', namespace: 'shop' },
            spec: {
              podSelector: { matchLabels: { app: 'web' } },
              policyTypes: ['Egress'],
              egress: [
                {
                  to: [{ podSelector: { matchLabels: { app: 'db' } } }],
                  ports: [{ protocol: 'TCP', port: 5432 }],
                },
              ],
            },
          },
        ],
      })),
    rule: 'network-policy-blocks-dns',
    resource: 'NetworkPolicy/egress-db-only',
    summary: /blocks DNS egress for deployment\/web/,
  },
  {
    name: 'NetworkPolicy selecting nothing',
    snapshot: () =>
      broken({}, () => ({
        networkpolicies: [
          {
            metadata: { name: 'old', namespace: 'shop' },
            spec: { podSelector: { matchLabels: { app: 'legacy' } }, ingress: [{}] },
          },
        ],
      })),
    rule: 'network-policy-selects-nothing',
    resource: 'NetworkPolicy/old',
    severity: 'info',
  },
  {
    name: 'RBAC denies the workload ServiceAccount (from the crash message)',
    snapshot: () => {
      const snap = crashLooping(
        1,
        'Error',
        'pods is forbidden: User "system:serviceaccount:shop:default" cannot list resource "pods" in API group "" in the namespace "shop"',
      );
      return {
        ...snap,
        roles: [
          {
            metadata: { name: 'reader', namespace: 'shop' },
            rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
          },
        ],
        rolebindings: [
          {
            metadata: { name: 'reader', namespace: 'shop' },
            roleRef: { kind: 'Role', name: 'reader' },
            subjects: [{ kind: 'ServiceAccount', name: 'default' }],
          },
        ],
      };
    },
    rule: 'rbac-access-denied',
    resource: 'ServiceAccount/default',
    summary: /may not list pods in namespace shop/,
    rootCause: /RoleBinding\/reader → Role\/reader\) grant no rule/,
    root: true,
  },
  {
    name: 'RoleBinding to a missing Role',
    snapshot: () =>
      snapshot({
        rolebindings: [
          {
            metadata: { name: 'reader', namespace: 'shop' },
            roleRef: { kind: 'Role', name: 'pod-reader' },
            subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'shop' }],
          },
        ],
      }),
    rule: 'rbac-binding-broken',
    resource: 'RoleBinding/reader',
    summary: /binds Role pod-reader, which does not exist/,
  },
  {
    name: 'webhook with failurePolicy Fail and a missing Service',
    snapshot: () =>
      snapshot({
        mutatingwebhookconfigurations: [
          {
            metadata: { name: 'sidecar-injector' },
            webhooks: [
              { name: 'inject.acme.io', clientConfig: { service: { name: 'injector', namespace: 'mesh' } } },
            ],
          },
        ],
      }),
    rule: 'webhook-backend-unavailable',
    resource: 'MutatingWebhookConfiguration/sidecar-injector',
    severity: 'critical',
  },
];
