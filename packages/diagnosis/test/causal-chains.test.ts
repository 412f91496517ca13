import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot, Finding, Report } from '../src/index.js';
import { diagnose } from '../src/index.js';
import { app, event, minutesAgo, node, podRef, snapshot, withApps } from './fixtures/builders.js';

const key = (finding: Finding): string => `${finding.rule} ${finding.resource.kind}/${finding.resource.name}`;

const byKey = (report: Report, wanted: string): Finding => {
  const finding = [...report.findings, ...report.symptoms].find((item) => key(item) === wanted);
  if (finding === undefined)
    throw new Error(
      `no finding "${wanted}" in: ${[...report.findings, ...report.symptoms].map(key).join(' | ')}`,
    );
  return finding;
};

/** Every finding reachable from `root` through `causes`. */
const explained = (report: Report, root: Finding): string[] => {
  const byId = new Map([...report.findings, ...report.symptoms].map((item) => [item.id, item]));
  const seen = new Set<string>();
  const stack = [...root.causes];
  while (stack.length > 0) {
    const id = stack.pop() ?? '';
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(byId.get(id)?.causes ?? []));
  }
  return [...seen].map((id) => key(byId.get(id)!)).sort();
};

const ingress = (service: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'shop', namespace: 'shop' },
  spec: {
    ingressClassName: 'nginx',
    rules: [
      {
        host: 'shop.example.com',
        http: { paths: [{ path: '/', backend: { service: { name: service, port: { number: 80 } } } }] },
      },
    ],
  },
});
const nginx = { metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } };

const probeChain = (): ClusterSnapshot => {
  const web = app('web', { podReady: false, status: { ready: false } });
  return snapshot({
    ...withApps({}, web),
    ingressclasses: [nginx],
    ingresses: [ingress('web')],
    events: web.pods.map((pod) =>
      event(podRef(pod), 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 404', {
        count: 200,
      }),
    ),
  });
};

describe('causal chains', () => {
  it('Ingress → Service → no ready endpoints → pods not ready → readiness probe path wrong', () => {
    const report = diagnose(probeChain());
    expect(report.findings.map(key)).toEqual(['container-probe-failing Deployment/web']);
    const root = report.findings[0]!;
    expect(explained(report, root)).toEqual([
      'deployment-unavailable Deployment/web',
      'ingress-backend Ingress/shop',
      'service-no-endpoints Service/web',
    ]);
    expect(byKey(report, 'ingress-backend Ingress/shop').causedBy).toEqual([
      byKey(report, 'service-no-endpoints Service/web').id,
    ]);
  });

  it('Deployment unavailable → ReplicaSet FailedCreate → ResourceQuota exhausted', () => {
    const web = app('web', { replicas: 3, withService: false });
    const report = diagnose(
      snapshot({
        ...withApps(
          {},
          {
            ...web,
            pods: [],
            deployment: {
              ...web.deployment,
              status: { replicas: 0, availableReplicas: 0, readyReplicas: 0, updatedReplicas: 0 },
            },
            replicaset: { ...web.replicaset, status: { replicas: 0 } },
          },
        ),
        resourcequotas: [
          {
            metadata: { name: 'compute', namespace: 'shop' },
            spec: { hard: { pods: '10' } },
            status: {
              hard: { pods: '10', 'requests.cpu': '2' },
              used: { pods: '10', 'requests.cpu': '1500m' },
            },
          },
        ],
        events: [
          event(
            { kind: 'ReplicaSet', namespace: 'shop', name: 'web-7d9c5b8f6d' },
            'FailedCreate',
            'Error creating: pods "web-7d9c5b8f6d-9xk2p" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=10, limited: pods=10',
            { count: 21, component: 'replicaset-controller' },
          ),
        ],
      }),
    );
    expect(report.findings.map(key)).toEqual(['quota-exhausted ResourceQuota/compute']);
    const replicaSet = byKey(report, 'workload-create-failed ReplicaSet/web-7d9c5b8f6d');
    expect(replicaSet.summary).toBe('pods rejected: ResourceQuota compute exceeded (pods=1)');
    expect(replicaSet.causedBy).toEqual([report.findings[0]!.id]);
    expect(byKey(report, 'deployment-unavailable Deployment/web').causedBy).toEqual([replicaSet.id]);
  });

  it('Service without endpoints → selector matches nothing (root), Ingress is its symptom', () => {
    const web = app('web', { serviceSelector: { app: 'web', tier: 'frontend' } });
    const report = diagnose(
      snapshot({ ...withApps({}, web), ingressclasses: [nginx], ingresses: [ingress('web')] }),
    );
    expect(report.findings.map(key)).toEqual(['service-no-endpoints Service/web']);
    expect(report.findings[0]!.summary).toMatch(/selector app=web,tier=frontend matches no pods/);
    expect(report.symptoms.map(key)).toEqual(['ingress-backend Ingress/shop']);
  });

  it('a missing ConfigMap key explains the pods, the Deployment, the Service and the Ingress', () => {
    const web = app('web', {
      podReady: false,
      container: {
        env: [{ name: 'DB_HOST', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'DB_HOST' } } }],
      },
      status: {
        ready: false,
        state: {
          waiting: {
            reason: 'CreateContainerConfigError',
            message: "couldn't find key DB_HOST in ConfigMap shop/web-config",
          },
        },
      },
    });
    const report = diagnose(
      snapshot({
        ...withApps({}, web),
        configmaps: [{ namespace: 'shop', name: 'web-config', keys: ['DB_PORT'] }],
        ingressclasses: [nginx],
        ingresses: [ingress('web')],
      }),
    );
    expect(report.findings.map(key)).toEqual(['missing-config-reference ConfigMap/web-config']);
    expect(explained(report, report.findings[0]!)).toEqual([
      'container-config-error Deployment/web',
      'deployment-unavailable Deployment/web',
      'ingress-backend Ingress/shop',
      'service-no-endpoints Service/web',
    ]);
  });

  it('an unreachable node explains the workload whose pods it strands', () => {
    const web = app('web', { podReady: false, replicas: 2 });
    const report = diagnose(
      snapshot({
        ...withApps({}, web),
        nodes: [node('node-1', { ready: 'Unknown' }), node('node-2', { ready: 'Unknown' })],
      }),
    );
    expect(report.findings.map(key).sort()).toEqual([
      'node-not-ready Node/node-1',
      'node-not-ready Node/node-2',
    ]);
    expect(byKey(report, 'deployment-unavailable Deployment/web').causedBy).toHaveLength(2);
    expect(report.symptoms.map(key).sort()).toEqual([
      'deployment-unavailable Deployment/web',
      'service-no-endpoints Service/web',
    ]);
  });

  it('crash-looping webhook backend → webhook has no endpoints → pod creation elsewhere fails', () => {
    const webhook = app('policy-webhook', {
      namespace: 'policy',
      replicas: 1,
      podReady: false,
      status: {
        ready: false,
        restartCount: 12,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: {
          terminated: {
            exitCode: 1,
            reason: 'Error',
            message: 'open /certs/tls.crt: no such file or directory',
          },
        },
      },
    });
    const shop = app('web', { replicas: 2, withService: false });
    const report = diagnose(
      snapshot({
        ...withApps({}, webhook, {
          ...shop,
          pods: [],
          replicaset: { ...shop.replicaset, status: { replicas: 0 } },
          deployment: { ...shop.deployment, status: { replicas: 0, availableReplicas: 0 } },
        }),
        validatingwebhookconfigurations: [
          {
            metadata: { name: 'policy' },
            webhooks: [
              {
                name: 'validate.policy.acme.io',
                failurePolicy: 'Fail',
                clientConfig: { service: { name: 'policy-webhook', namespace: 'policy', path: '/validate' } },
              },
            ],
          },
        ],
        events: [
          event(
            { kind: 'ReplicaSet', namespace: 'shop', name: 'web-7d9c5b8f6d' },
            'FailedCreate',
            'Error creating: Internal error occurred: failed calling webhook "validate.policy.acme.io": failed to call webhook: Post "https://policy-webhook.policy.svc:443/validate?timeout=10s": no endpoints available for service "policy-webhook"',
            { count: 14, component: 'replicaset-controller' },
          ),
        ],
      }),
    );
    expect(report.findings.map(key)).toEqual(['container-crash-loop Deployment/policy-webhook']);
    expect(explained(report, report.findings[0]!)).toEqual([
      'deployment-unavailable Deployment/policy-webhook',
      'deployment-unavailable Deployment/web',
      'service-no-endpoints Service/policy-webhook',
      'webhook-backend-unavailable ValidatingWebhookConfiguration/policy',
      'workload-create-failed ReplicaSet/web-7d9c5b8f6d',
    ]);
  });

  it('PVC on a missing StorageClass explains the unschedulable pod', () => {
    const web = app('web', {
      replicas: 1,
      scheduled: false,
      podReady: false,
      withService: false,
      podSpec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'web-data' } }] },
    });
    const report = diagnose(
      snapshot({
        ...withApps({}, web),
        pvcs: [
          {
            metadata: { name: 'web-data', namespace: 'shop', creationTimestamp: minutesAgo(20) },
            spec: { storageClassName: 'fast-ssd' },
            status: { phase: 'Pending' },
          },
        ],
        events: web.pods.map((pod) =>
          event(
            podRef(pod),
            'FailedScheduling',
            '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
            { component: 'default-scheduler' },
          ),
        ),
      }),
    );
    expect(report.findings.map(key)).toEqual(['pvc-pending PersistentVolumeClaim/web-data']);
    expect(explained(report, report.findings[0]!)).toEqual([
      'deployment-unavailable Deployment/web',
      'pod-unschedulable Deployment/web',
    ]);
  });

  it('links form a DAG: symmetric, no dangling ids, no finding listed twice', () => {
    for (const report of [diagnose(probeChain())]) {
      const everything = [...report.findings, ...report.symptoms];
      const ids = new Set(everything.map((finding) => finding.id));
      expect(ids.size).toBe(everything.length);
      for (const finding of everything) {
        for (const id of finding.causes)
          expect(everything.find((item) => item.id === id)?.causedBy).toContain(finding.id);
        for (const id of finding.causedBy) expect(ids.has(id)).toBe(true);
      }
      expect(report.findings.every((finding) => finding.causedBy.length === 0)).toBe(true);
      expect(report.symptoms.every((finding) => finding.causedBy.length > 0)).toBe(true);
    }
  });
});
