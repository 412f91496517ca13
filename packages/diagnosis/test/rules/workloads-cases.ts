import { app, event, minutesAgo, snapshot, withApps } from '../fixtures/builders.js';
import { broken } from '../fixtures/scenarios.js';
import type { RuleCase } from './rule-case.js';

export const workloadsCases: readonly RuleCase[] = [
  {
    name: 'progress deadline exceeded',
    snapshot: () => {
      const built = app('web', { withService: false });
      return snapshot(
        withApps(
          {},
          {
            ...built,
            deployment: {
              ...built.deployment,
              status: {
                replicas: 3,
                updatedReplicas: 1,
                readyReplicas: 2,
                availableReplicas: 2,
                conditions: [
                  {
                    type: 'Progressing',
                    status: 'False',
                    reason: 'ProgressDeadlineExceeded',
                    message: 'ReplicaSet "web-5d8f7c9b6" has timed out progressing.',
                  },
                ],
              },
            },
          },
        ),
      );
    },
    rule: 'deployment-unavailable',
    resource: 'Deployment/web',
    summary: /rollout is stuck: ProgressDeadlineExceeded/,
  },
  {
    name: 'paused rollout',
    snapshot: () => {
      const built = app('web', { withService: false });
      return snapshot(
        withApps(
          {},
          {
            ...built,
            deployment: {
              ...built.deployment,
              spec: { ...built.deployment.spec, paused: true },
              status: { ...built.deployment.status, updatedReplicas: 1 },
            },
          },
        ),
      );
    },
    rule: 'deployment-unavailable',
    resource: 'Deployment/web',
    summary: /rollout is paused with 1\/2 replicas updated/,
  },
  {
    name: 'ResourceQuota exhausted is the root of FailedCreate',
    snapshot: () => {
      const built = app('web', { replicas: 3, withService: false });
      return snapshot({
        ...withApps(
          {},
          {
            ...built,
            pods: built.pods.slice(0, 2),
            replicaset: {
              ...built.replicaset,
              status: {
                replicas: 2,
                conditions: [
                  {
                    type: 'ReplicaFailure',
                    status: 'True',
                    reason: 'FailedCreate',
                    message:
                      'pods "web-7d9c5b8f6d-x2x9q" is forbidden: exceeded quota: compute, requested: requests.cpu=100m, used: requests.cpu=4, limited: requests.cpu=4',
                  },
                ],
              },
            },
            deployment: {
              ...built.deployment,
              status: { ...built.deployment.status, availableReplicas: 2, readyReplicas: 2 },
            },
          },
        ),
        resourcequotas: [
          {
            metadata: { name: 'compute', namespace: 'shop' },
            spec: { hard: { 'requests.cpu': '4' } },
            status: { hard: { 'requests.cpu': '4' }, used: { 'requests.cpu': '4' } },
          },
        ],
      });
    },
    rule: 'quota-exhausted',
    resource: 'ResourceQuota/compute',
    summary: /requests.cpu 4\/4/,
    root: true,
  },
  {
    name: 'FailedCreate: missing ServiceAccount message',
    snapshot: () => {
      const built = app('web', { withService: false, podSpec: { serviceAccountName: 'web-sa' } });
      return snapshot({
        ...withApps({}, { ...built, pods: [], replicaset: { ...built.replicaset, status: { replicas: 0 } } }),
        events: [
          event(
            { kind: 'ReplicaSet', namespace: 'shop', name: 'web-7d9c5b8f6d' },
            'FailedCreate',
            'Error creating: pods "web-7d9c5b8f6d-" is forbidden: error looking up service account shop/web-sa: serviceaccount "web-sa" not found',
            { count: 17, component: 'replicaset-controller' },
          ),
        ],
      });
    },
    rule: 'workload-create-failed',
    resource: 'ReplicaSet/web-7d9c5b8f6d',
    summary: /ServiceAccount web-sa does not exist/,
    root: false,
  },
  {
    name: 'Job BackoffLimitExceeded',
    snapshot: () =>
      snapshot({
        jobs: [
          {
            metadata: { name: 'migrate', namespace: 'shop' },
            spec: { backoffLimit: 3 },
            status: {
              failed: 4,
              conditions: [
                {
                  type: 'Failed',
                  status: 'True',
                  reason: 'BackoffLimitExceeded',
                  message: 'Job has reached the specified backoff limit',
                },
              ],
            },
          },
        ],
        pods: [
          {
            metadata: {
              name: 'migrate-x7k2p',
              namespace: 'shop',
              ownerReferences: [{ kind: 'Job', name: 'migrate', controller: true }],
            },
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'migrate', image: 'ghcr.io/acme/migrate:3' }],
            },
            status: {
              phase: 'Failed',
              containerStatuses: [
                {
                  name: 'migrate',
                  ready: false,
                  restartCount: 0,
                  state: {
                    terminated: { exitCode: 2, reason: 'Error', message: 'relation "orders" does not exist' },
                  },
                },
              ],
            },
          },
        ],
      }),
    rule: 'job-failed',
    resource: 'Job/migrate',
    summary: /BackoffLimitExceeded \(4 failed pods, backoffLimit 3\)/,
    root: false,
  },
  {
    name: 'Job DeadlineExceeded',
    snapshot: () =>
      snapshot({
        jobs: [
          {
            metadata: { name: 'export', namespace: 'shop' },
            spec: { activeDeadlineSeconds: 600 },
            status: {
              failed: 1,
              conditions: [
                {
                  type: 'Failed',
                  status: 'True',
                  reason: 'DeadlineExceeded',
                  message: 'Job was active longer than specified deadline',
                },
              ],
            },
          },
        ],
      }),
    rule: 'job-failed',
    resource: 'Job/export',
    summary: /activeDeadlineSeconds=600/,
  },
  {
    name: 'CronJob suspended',
    snapshot: () =>
      snapshot({
        cronjobs: [
          { metadata: { name: 'report', namespace: 'shop' }, spec: { schedule: '0 * * * *', suspend: true } },
        ],
      }),
    rule: 'cronjob-not-scheduling',
    resource: 'CronJob/report',
    severity: 'info',
  },
  {
    name: 'CronJob with an invalid schedule',
    snapshot: () =>
      snapshot({
        cronjobs: [{ metadata: { name: 'report', namespace: 'shop' }, spec: { schedule: '0 25 * * *' } }],
      }),
    rule: 'cronjob-not-scheduling',
    resource: 'CronJob/report',
    severity: 'critical',
  },
  {
    name: 'CronJob missed its runs',
    snapshot: () =>
      snapshot({
        cronjobs: [
          {
            metadata: { name: 'report', namespace: 'shop' },
            spec: { schedule: '*/10 * * * *' },
            status: { lastScheduleTime: minutesAgo(180) },
          },
        ],
      }),
    rule: 'cronjob-not-scheduling',
    resource: 'CronJob/report',
    summary: /no run since/,
  },
  {
    name: 'CronJob blocked by Forbid and a hung Job',
    snapshot: () =>
      snapshot({
        cronjobs: [
          {
            metadata: { name: 'report', namespace: 'shop' },
            spec: { schedule: '*/10 * * * *', concurrencyPolicy: 'Forbid' },
            status: {
              lastScheduleTime: minutesAgo(180),
              active: [{ kind: 'Job', name: 'report-29001000', namespace: 'shop' }],
            },
          },
        ],
      }),
    rule: 'cronjob-not-scheduling',
    resource: 'CronJob/report',
    summary: /concurrencyPolicy Forbid and job report-29001000 is still active/,
  },
  {
    name: 'HPA without metrics-server',
    snapshot: () =>
      broken({}, () => ({
        hpas: [
          {
            metadata: { name: 'web', namespace: 'shop' },
            spec: {
              scaleTargetRef: { kind: 'Deployment', name: 'web' },
              minReplicas: 2,
              maxReplicas: 5,
              metrics: [{ type: 'Resource', resource: { name: 'cpu' } }],
            },
            status: {
              conditions: [
                {
                  type: 'ScalingActive',
                  status: 'False',
                  reason: 'FailedGetResourceMetric',
                  message:
                    'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)',
                },
              ],
            },
          },
        ],
      })),
    rule: 'hpa-unable-to-scale',
    resource: 'HorizontalPodAutoscaler/web',
    summary: /metrics-server/,
  },
  {
    name: 'HPA target without cpu requests',
    snapshot: () =>
      broken({ container: { resources: {} } }, () => ({
        hpas: [
          {
            metadata: { name: 'web', namespace: 'shop' },
            spec: {
              scaleTargetRef: { kind: 'Deployment', name: 'web' },
              maxReplicas: 5,
              metrics: [{ type: 'Resource', resource: { name: 'cpu' } }],
            },
          },
        ],
      })),
    rule: 'hpa-unable-to-scale',
    resource: 'HorizontalPodAutoscaler/web',
    summary: /container web of Deployment\/web set no cpu request/,
  },
  {
    name: 'PDB allows no disruption',
    snapshot: () =>
      broken({}, () => ({
        pdbs: [
          {
            metadata: { name: 'web', namespace: 'shop' },
            spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } },
            status: { currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0, expectedPods: 2 },
          },
        ],
      })),
    rule: 'pdb-blocking-disruptions',
    resource: 'PodDisruptionBudget/web',
    summary: /allows 0 disruptions/,
  },
  {
    name: 'StatefulSet governing Service missing',
    snapshot: () =>
      snapshot({
        statefulsets: [
          {
            metadata: { name: 'db', namespace: 'shop' },
            spec: { replicas: 1, serviceName: 'db-headless' },
            status: { readyReplicas: 1 },
          },
        ],
      }),
    rule: 'statefulset-unavailable',
    resource: 'StatefulSet/db',
    severity: 'critical',
    summary: /governing Service db-headless does not exist/,
  },
  {
    name: 'DaemonSet pods not ready everywhere',
    snapshot: () =>
      snapshot({
        daemonsets: [
          {
            metadata: { name: 'agent', namespace: 'kube-system' },
            status: { desiredNumberScheduled: 3, numberReady: 1 },
          },
        ],
      }),
    rule: 'daemonset-unavailable',
    resource: 'DaemonSet/agent',
    summary: /1\/3 daemon pods ready/,
  },
];
