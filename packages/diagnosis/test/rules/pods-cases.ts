import { app, event, eventV1, minutesAgo, podRef, snapshot, withApps } from '../fixtures/builders.js';
import { broken, crashLooping, firstPod, unschedulable } from '../fixtures/scenarios.js';
import type { RuleCase } from './rule-case.js';

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

export const podsCases: readonly RuleCase[] = [
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
    name: 'crash loop caught running between two back-offs',
    snapshot: () =>
      broken(
        {
          podReady: false,
          status: {
            ready: false,
            restartCount: 6,
            state: { running: { startedAt: minutesAgo(0.2) } },
            lastState: {
              terminated: {
                exitCode: 1,
                reason: 'Error',
                startedAt: minutesAgo(2.5),
                finishedAt: minutesAgo(2.5),
              },
            },
          },
        },
        (built) => ({
          events: built.pods.map((pod) =>
            event(podRef(pod), 'BackOff', 'Back-off restarting failed container web', { count: 12 }),
          ),
        }),
      ),
    rule: 'container-crash-loop',
    resource: 'Deployment/web',
    severity: 'critical',
    summary: /crash-looping \(exit code 1, Error\)/,
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
    name: 'restarts while Ready',
    snapshot: () =>
      broken({ status: { restartCount: 9, lastState: { terminated: { exitCode: 137, reason: 'Error' } } } }),
    rule: 'container-restarting',
    resource: 'Deployment/web',
    severity: 'info',
  },
];
