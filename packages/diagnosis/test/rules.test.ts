import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot, Finding, Severity } from '../src/index.js';
import { diagnose, rules } from '../src/index.js';
import { app, event, eventV1, minutesAgo, node, podRef, snapshot, withApps } from './fixtures/builders.js';
import { broken, crashLooping, firstPod, notReadyNode, unschedulable } from './fixtures/scenarios.js';

interface Case {
  readonly name: string;
  readonly snapshot: () => ClusterSnapshot;
  readonly rule: string;
  /** `Kind/name` of the finding's resource. */
  readonly resource: string;
  readonly severity?: Severity;
  readonly summary?: RegExp;
  readonly rootCause?: RegExp;
  /** Whether the finding must be a root cause (true) or a symptom (false). */
  readonly root?: boolean;
}

const notFoundPull =
  'Failed to pull image "ghcr.io/acme/web:1.4.3": rpc error: code = NotFound desc = failed to pull and unpack image "ghcr.io/acme/web:1.4.3": failed to resolve reference "ghcr.io/acme/web:1.4.3": ghcr.io/acme/web:1.4.3: not found';
const authPull =
  'Failed to pull image "registry.acme.io/private/web:2.1": rpc error: code = Unknown desc = failed to pull and unpack image "registry.acme.io/private/web:2.1": failed to resolve reference "registry.acme.io/private/web:2.1": failed to authorize: failed to fetch oauth token: unexpected status from GET request to https://registry.acme.io/token?scope=repository%3Aprivate%2Fweb%3Apull&service=registry: 401 Unauthorized';

const pullFailure = (image: string, message: string, reason = 'ErrImagePull', extra = {}) =>
  broken(
    {
      image,
      podReady: false,
      status: { ready: false, image, state: { waiting: { reason, message } } },
      ...extra,
    },
    (built) => ({
      events: built.pods.map((pod) => event(podRef(pod), 'Failed', message, { count: 4 })),
    }),
  );

const cases: readonly Case[] = [
  {
    name: 'crash loop with exit code and message',
    snapshot: () => crashLooping(1, 'Error', 'panic: could not connect to postgres at db:5432'),
    rule: 'container-crash-loop',
    resource: 'Deployment/web',
    severity: 'critical',
    summary: /crash-looping \(exit code 1, Error\) \(2 pods\)/,
    rootCause: /application failed at startup.*could not connect to postgres/,
    root: true,
  },
  {
    name: 'OOMKilled at the memory limit',
    snapshot: () => crashLooping(137, 'OOMKilled'),
    rule: 'container-oom-killed',
    resource: 'Deployment/web',
    severity: 'critical',
    summary: /OOMKilled at its 256Mi memory limit/,
    root: true,
  },
  {
    name: 'image tag not found',
    snapshot: () => pullFailure('ghcr.io/acme/web:1.4.3', notFoundPull),
    rule: 'image-pull-failure',
    resource: 'Deployment/web',
    summary: /cannot be pulled \(not-found\)/,
    rootCause: /tag \(or digest\) does not exist/,
    root: true,
  },
  {
    name: 'image pull unauthorized',
    snapshot: () => pullFailure('registry.acme.io/private/web:2.1', authPull, 'ImagePullBackOff'),
    rule: 'image-pull-failure',
    resource: 'Deployment/web',
    summary: /\(auth\)/,
    rootCause: /private and no valid pull credentials/,
  },
  {
    name: 'invalid image name',
    snapshot: () =>
      pullFailure(
        'Nginx:latest',
        'Failed to apply default image tag "Nginx:latest": couldn\'t parse image reference "Nginx:latest": invalid reference format: repository name must be lowercase',
        'InvalidImageName',
      ),
    rule: 'image-pull-failure',
    resource: 'Deployment/web',
    summary: /\(invalid-name\)/,
  },
  {
    name: 'image registry unreachable',
    snapshot: () =>
      pullFailure(
        'registry.internal:5000/web:1',
        'Failed to pull image "registry.internal:5000/web:1": rpc error: code = Unknown desc = failed to pull and unpack image: failed to resolve reference "registry.internal:5000/web:1": failed to do request: Head "https://registry.internal:5000/v2/web/manifests/1": dial tcp: lookup registry.internal on 10.96.0.10:53: no such host',
      ),
    rule: 'image-pull-failure',
    resource: 'Deployment/web',
    summary: /\(network\)/,
  },
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
    name: 'CreateContainerConfigError is a symptom of the missing key',
    snapshot: () =>
      broken(
        {
          container: {
            env: [
              { name: 'DB_HOST', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'DB_HOST' } } },
            ],
          },
          podReady: false,
          status: {
            ready: false,
            state: {
              waiting: {
                reason: 'CreateContainerConfigError',
                message: "couldn't find key DB_HOST in ConfigMap shop/web-config",
              },
            },
          },
        },
        () => ({ configmaps: [{ namespace: 'shop', name: 'web-config', keys: ['DB_PORT'] }] }),
      ),
    rule: 'container-config-error',
    resource: 'Deployment/web',
    summary: /key DB_HOST is missing from ConfigMap web-config/,
    root: false,
  },
  {
    name: 'Secret referenced by envFrom does not exist',
    snapshot: () => broken({ container: { envFrom: [{ secretRef: { name: 'web-secrets' } }] } }),
    rule: 'missing-config-reference',
    resource: 'Secret/web-secrets',
    summary: /Secret web-secrets does not exist/,
  },
  {
    name: 'optional references are not reported',
    snapshot: () =>
      broken({ container: { envFrom: [{ secretRef: { name: 'web-secrets', optional: true } }] } }),
    rule: '-',
    resource: '-',
  },
  {
    name: 'FailedMount for a missing ConfigMap volume links to the missing ConfigMap',
    snapshot: () =>
      broken(
        {
          podSpec: { volumes: [{ name: 'config', configMap: { name: 'web-config' } }] },
          podReady: false,
          podPhase: 'Pending',
          status: { ready: false, state: { waiting: { reason: 'ContainerCreating' } } },
        },
        (built) => ({
          events: built.pods.map((pod) =>
            event(
              podRef(pod),
              'FailedMount',
              'MountVolume.SetUp failed for volume "config" : configmap "web-config" not found',
              { count: 9 },
            ),
          ),
        }),
      ),
    rule: 'pod-volume-failure',
    resource: 'Deployment/web',
    summary: /FailedMount \(ConfigMap web-config missing\)/,
    root: false,
  },
  {
    name: 'init container failing',
    snapshot: () => {
      const built = app('web', { podReady: false, podPhase: 'Pending' });
      const pods = built.pods.map((pod) => ({
        ...pod,
        status: {
          ...pod.status,
          initContainerStatuses: [
            {
              name: 'migrate',
              ready: false,
              restartCount: 4,
              state: { waiting: { reason: 'CrashLoopBackOff' } },
              lastState: { terminated: { exitCode: 1, reason: 'Error' } },
            },
          ],
          containerStatuses: [
            { name: 'web', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
          ],
        },
      }));
      return snapshot(withApps({}, { ...built, pods }));
    },
    rule: 'init-container-failure',
    resource: 'Deployment/web',
    summary: /init container migrate fails with exit code 1/,
    root: true,
  },
  {
    name: 'readiness probe path returns 404',
    snapshot: () =>
      broken({ podReady: false, status: { ready: false } }, (built) => ({
        events: built.pods.map((pod) =>
          event(podRef(pod), 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 404', {
            count: 120,
          }),
        ),
      })),
    rule: 'container-probe-failing',
    resource: 'Deployment/web',
    severity: 'critical',
    summary: /readiness probe of container web fails: HTTP 404, the path is not served/,
    rootCause: /GET \/healthz on port 8080\) fails: the probe path does not exist in the application/,
    root: true,
  },
  {
    name: 'liveness probe refused, container restarting',
    snapshot: () =>
      broken(
        {
          status: { restartCount: 8 },
          container: {
            livenessProbe: {
              httpGet: { path: '/live', port: 9090 },
              initialDelaySeconds: 10,
              periodSeconds: 10,
              failureThreshold: 3,
            },
          },
        },
        (built) => ({
          events: built.pods.map((pod) =>
            event(
              podRef(pod),
              'Unhealthy',
              'Liveness probe failed: Get "http://10.244.1.10:9090/live": dial tcp 10.244.1.10:9090: connect: connection refused',
              { count: 30 },
            ),
          ),
        }),
      ),
    rule: 'container-probe-failing',
    resource: 'Deployment/web',
    severity: 'warning',
    summary: /liveness probe of container web fails: connection refused on the probe port/,
    rootCause: /GET \/live on port 9090\) fails: nothing listens on the probe port/,
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
    name: 'unschedulable: insufficient cpu beyond any node, plus control-plane taint',
    snapshot: () =>
      unschedulable(
        '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
        { container: { resources: { requests: { cpu: '4', memory: '1Gi' } } } },
      ),
    rule: 'pod-unschedulable',
    resource: 'Deployment/web',
    severity: 'critical',
    rootCause:
      /taint \{node-role.kubernetes.io\/control-plane: \}.*2 node\(s\) lack free cpu.*requests 4 cpu, more than the largest node can ever offer \(2\)/,
  },
  {
    name: 'unschedulable: node selector matches no node',
    snapshot: () =>
      unschedulable(
        "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
        {
          podSpec: { nodeSelector: { 'node.kubernetes.io/instance-type': 'gpu-large' } },
        },
      ),
    rule: 'pod-unschedulable',
    resource: 'Deployment/web',
    rootCause: /nodeSelector\/required node affinity \(node.kubernetes.io\/instance-type=gpu-large\)/,
  },
  {
    name: 'unschedulable: required anti-affinity',
    snapshot: () =>
      unschedulable(
        "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
        { replicas: 3 },
      ),
    rule: 'pod-unschedulable',
    resource: 'Deployment/web',
    rootCause: /anti-affinity forbids sharing/,
  },
  {
    name: 'unschedulable pod reported through events.k8s.io/v1 only',
    snapshot: () =>
      broken({ scheduled: false, podReady: false, replicas: 1 }, (built) => ({
        events: built.pods.map((pod) =>
          eventV1(
            podRef(pod),
            'FailedScheduling',
            '0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
            5,
          ),
        ),
      })),
    rule: 'pod-unschedulable',
    resource: 'Deployment/web',
    summary: /Insufficient memory/,
  },
  {
    name: 'evicted pod',
    snapshot: () => {
      const built = app('web', { withService: false });
      const evicted = {
        ...firstPod(snapshot(withApps({}, built))),
        status: {
          phase: 'Failed',
          reason: 'Evicted',
          message:
            'The node was low on resource: memory. Threshold quantity: 100Mi, available: 91364Ki. Container web was using 1834532Ki, request is 128Mi, has larger consumption of memory. ',
        },
      };
      return snapshot(withApps({}, { ...built, pods: [evicted] }));
    },
    rule: 'pod-evicted',
    resource: 'Deployment/web',
    severity: 'warning',
    summary: /evicted \(node low on memory\)/,
  },
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
    name: 'missing ServiceAccount, seen in the template before FailedCreate',
    snapshot: () => broken({ podSpec: { serviceAccountName: 'web-sa' } }),
    rule: 'missing-service-account',
    resource: 'ServiceAccount/web-sa',
    severity: 'critical',
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
    name: 'failed Job pod exit code',
    snapshot: () =>
      snapshot({
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
                { name: 'migrate', ready: false, state: { terminated: { exitCode: 127, reason: 'Error' } } },
              ],
            },
          },
        ],
      }),
    rule: 'container-terminated-error',
    resource: 'Job/migrate',
    rootCause: /command was not found in the image/,
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
  {
    name: 'PVC Pending on a missing StorageClass',
    snapshot: () =>
      snapshot({
        pvcs: [
          {
            metadata: { name: 'data', namespace: 'shop', creationTimestamp: minutesAgo(30) },
            spec: { storageClassName: 'fast-ssd' },
            status: { phase: 'Pending' },
          },
        ],
      }),
    rule: 'pvc-pending',
    resource: 'PersistentVolumeClaim/data',
    summary: /StorageClass fast-ssd does not exist/,
  },
  {
    name: 'PVC without class and no default class',
    snapshot: () =>
      snapshot({
        storageclasses: [],
        pvcs: [{ metadata: { name: 'data', namespace: 'shop' }, spec: {}, status: { phase: 'Pending' } }],
      }),
    rule: 'pvc-pending',
    resource: 'PersistentVolumeClaim/data',
    summary: /no default StorageClass/,
  },
  {
    name: 'PVC provisioning failed',
    snapshot: () =>
      snapshot({
        pvcs: [
          {
            metadata: { name: 'data', namespace: 'shop' },
            spec: { storageClassName: 'standard' },
            status: { phase: 'Pending' },
          },
        ],
        events: [
          event(
            { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data' },
            'ProvisioningFailed',
            'failed to provision volume with StorageClass "standard": rpc error: code = ResourceExhausted desc = quota exceeded',
            { component: 'persistentvolume-controller' },
          ),
        ],
      }),
    rule: 'pvc-pending',
    resource: 'PersistentVolumeClaim/data',
    summary: /provisioning failed/,
  },
  {
    name: 'PV Released',
    snapshot: () =>
      snapshot({
        pvs: [
          {
            metadata: { name: 'pvc-1' },
            spec: { claimRef: { name: 'old', namespace: 'shop' }, persistentVolumeReclaimPolicy: 'Retain' },
            status: { phase: 'Released' },
          },
        ],
      }),
    rule: 'persistent-volume-unhealthy',
    resource: 'PersistentVolume/pvc-1',
    severity: 'info',
  },
  {
    name: 'two default StorageClasses',
    snapshot: () =>
      snapshot({
        storageclasses: [
          { metadata: { name: 'a', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } },
          { metadata: { name: 'b', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } },
        ],
      }),
    rule: 'storage-class-default-conflict',
    resource: 'StorageClass/a',
  },
  {
    name: 'node unreachable strands its pods',
    snapshot: notReadyNode,
    rule: 'node-not-ready',
    resource: 'Node/node-1',
    summary: /unreachable \(Ready=Unknown\); 1 pods stranded/,
    root: true,
  },
  {
    name: 'node NotReady because the CNI is not initialized',
    snapshot: () => snapshot({ nodes: [node('node-1', { ready: 'False' })] }),
    rule: 'node-not-ready',
    resource: 'Node/node-1',
    rootCause: /cni plugin not initialized/,
  },
  {
    name: 'node under disk pressure',
    snapshot: () =>
      snapshot({
        nodes: [
          node('node-1', {
            conditions: [
              {
                type: 'DiskPressure',
                status: 'True',
                reason: 'KubeletHasDiskPressure',
                message: 'kubelet has disk pressure',
              },
              { type: 'Ready', status: 'True', reason: 'KubeletReady' },
            ],
          }),
        ],
      }),
    rule: 'node-pressure',
    resource: 'Node/node-1',
    summary: /DiskPressure/,
  },
  {
    name: 'PVC stuck Terminating behind pvc-protection',
    snapshot: () =>
      snapshot({
        pvcs: [
          {
            metadata: {
              name: 'data',
              namespace: 'shop',
              deletionTimestamp: minutesAgo(90),
              finalizers: ['kubernetes.io/pvc-protection'],
            },
            spec: { storageClassName: 'standard' },
            status: { phase: 'Bound' },
          },
        ],
      }),
    rule: 'deletion-blocked',
    resource: 'PersistentVolumeClaim/data',
    rootCause: /a pod still mounts the claim/,
  },
  {
    name: 'unused ConfigMap',
    snapshot: () =>
      broken({}, () => ({ configmaps: [{ namespace: 'shop', name: 'old-settings', keys: ['a'] }] })),
    rule: 'configmap-unused',
    resource: 'ConfigMap/old-settings',
    severity: 'info',
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
  {
    name: 'unexplained Warning events aggregated to the owner',
    snapshot: () =>
      broken({}, (built) => ({
        events: built.pods.map((pod) =>
          event(
            podRef(pod),
            'DNSConfigForming',
            'Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.96.0.10 1.1.1.1 8.8.8.8',
            { count: 3 },
          ),
        ),
      })),
    rule: 'warning-events',
    resource: 'Deployment/web',
    summary: /DNSConfigForming ×6/,
  },
  {
    name: 'old Warning events are ignored',
    snapshot: () =>
      broken({}, (built) => ({
        events: built.pods.map((pod) =>
          event(podRef(pod), 'DNSConfigForming', 'Nameserver limits were exceeded', { minutesAgo: 300 }),
        ),
      })),
    rule: '-',
    resource: '-',
  },
  {
    name: 'restarts while Ready',
    snapshot: () =>
      broken({ status: { restartCount: 9, lastState: { terminated: { exitCode: 137, reason: 'Error' } } } }),
    rule: 'container-restarting',
    resource: 'Deployment/web',
    severity: 'info',
  },
  {
    name: 'namespaced snapshot: objects outside the scope are never declared missing',
    snapshot: () => ({
      ...snapshot({
        validatingwebhookconfigurations: [
          {
            metadata: { name: 'policy' },
            webhooks: [
              {
                name: 'v.policy.io',
                clientConfig: { service: { name: 'policy-webhook', namespace: 'policy' } },
              },
            ],
          },
        ],
        clusterrolebindings: [
          {
            metadata: { name: 'ops' },
            roleRef: { kind: 'ClusterRole', name: 'view' },
            subjects: [{ kind: 'ServiceAccount', name: 'agent', namespace: 'ops' }],
          },
        ],
        clusterroles: [{ metadata: { name: 'view' }, rules: [] }],
      }),
      namespaces: ['shop'],
    }),
    rule: '-',
    resource: '-',
  },
  {
    name: 'a Pending PVC waiting for its first consumer is normal',
    snapshot: () =>
      snapshot({
        pvcs: [
          {
            metadata: { name: 'data', namespace: 'shop', creationTimestamp: minutesAgo(60) },
            spec: { storageClassName: 'standard' },
            status: { phase: 'Pending' },
          },
        ],
        events: [
          event(
            { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data' },
            'WaitForFirstConsumer',
            'waiting for first consumer to be created before binding',
            { type: 'Normal', component: 'persistentvolume-controller' },
          ),
        ],
      }),
    rule: '-',
    resource: '-',
  },
  {
    name: 'a recently created LoadBalancer is not pending yet',
    snapshot: () =>
      snapshot({
        services: [
          {
            metadata: { name: 'edge', namespace: 'shop', creationTimestamp: minutesAgo(1) },
            spec: { type: 'LoadBalancer', ports: [{ port: 443 }] },
          },
        ],
      }),
    rule: '-',
    resource: '-',
  },
  {
    name: 'Service of a workload scaled to zero is advisory only',
    snapshot: () => {
      const built = app('web', { replicas: 0 });
      return snapshot(
        withApps(
          {},
          { ...built, deployment: { ...built.deployment, spec: { ...built.deployment.spec, replicas: 0 } } },
        ),
      );
    },
    rule: 'service-no-endpoints',
    resource: 'Service/web',
    severity: 'info',
    summary: /deployment\/web has no running pods/,
  },
  {
    name: 'a ConfigMap named in a controller flag counts as used',
    snapshot: () =>
      broken(
        { container: { args: ['--configmap=$(POD_NAMESPACE)/web-controller', '--election-id=web-leader'] } },
        () => ({
          configmaps: [{ namespace: 'shop', name: 'web-controller', keys: ['use-forwarded-headers'] }],
        }),
      ),
    rule: '-',
    resource: '-',
  },
  {
    name: 'ServiceAccounts not collected: no missing-ServiceAccount claim',
    snapshot: () => {
      const { serviceaccounts: _ignored, ...rest } = broken({ podSpec: { serviceAccountName: 'web-sa' } });
      return rest;
    },
    rule: '-',
    resource: '-',
  },
];

const all = (snap: ClusterSnapshot): Finding[] => {
  const report = diagnose(snap);
  return [...report.findings, ...report.symptoms];
};

const label = (finding: Finding): string =>
  `${finding.rule} ${finding.resource.kind}/${finding.resource.name}: ${finding.summary}`;

describe('rules over fixture snapshots', () => {
  it.each(cases.filter((item) => item.rule !== '-'))('$name → $rule on $resource', (item) => {
    const findings = all(item.snapshot());
    const match = findings.find(
      (finding) =>
        finding.rule === item.rule && `${finding.resource.kind}/${finding.resource.name}` === item.resource,
    );
    expect(match, `found: ${findings.map(label).join(' | ')}`).toBeDefined();
    if (match === undefined) return;
    if (item.severity !== undefined) expect(match.severity).toBe(item.severity);
    if (item.summary !== undefined) expect(match.summary).toMatch(item.summary);
    if (item.rootCause !== undefined) expect(match.rootCause).toMatch(item.rootCause);
    if (item.root !== undefined) expect(match.causedBy.length === 0).toBe(item.root);
    expect(match.evidence.length).toBeGreaterThan(0);
    for (const evidence of match.evidence)
      expect(evidence.command).toMatch(/^kubectl (get|describe|events|auth can-i|rollout status) /);
    expect(match.remediation.length).toBeGreaterThan(10);
  });

  it.each(cases.filter((item) => item.rule === '-'))('$name → no finding', (item) => {
    expect(all(item.snapshot()).map(label)).toEqual([]);
  });

  it('covers every built-in rule with at least one case', () => {
    const covered = new Set(cases.map((item) => item.rule));
    expect(rules.map((rule) => rule.id).filter((id) => !covered.has(id))).toEqual([]);
  });
});
