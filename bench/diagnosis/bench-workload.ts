/**
 * The synthetic workload of the end-to-end diagnosis benchmark: `bench-*` namespaces of healthy
 * Deployments (Service, ConfigMap, readiness probe) and a few dozen broken pods across seven
 * failure kinds, all on dedicated kwok nodes. Faults are spelled in the pod spec the way the
 * testbed's fake kubelet reads them (testbed/src/stages/pod-predicates.ts), so the kubelet reports
 * what a real one would.
 */
import { configErrorAnnotation, fakeNodes } from '@kubently/testbed';

export const benchLabel = 'kubently.dev/bench';
/** Bench nodes carry this taint so scenario pods never land on them (and vice versa). */
const poolTaint = { key: 'kubently.dev/bench-pool', value: 'true', effect: 'NoSchedule' } as const;
const poolLabel = 'kubently.dev/bench-pool';

export interface PlantedFault {
  readonly failure: string;
  readonly namespace: string;
  readonly deployment: string;
  /** The rule and resource a correct diagnosis names as the root cause. */
  readonly rule: string;
  readonly resource: { readonly kind: string; readonly namespace: string; readonly name: string };
  readonly pods: number;
}

export interface BenchWorkload {
  readonly nodes: object[];
  readonly namespaces: string[];
  readonly objects: object[];
  readonly planted: PlantedFault[];
  readonly healthyPods: number;
  readonly brokenPods: number;
  readonly healthyDeployments: number;
}

type Container = Record<string, unknown>;

const nginx = (extra: Container = {}): Container => ({
  name: 'app',
  image: 'nginx:1.27',
  ports: [{ name: 'http', containerPort: 80 }],
  readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
  resources: { requests: { cpu: '1m', memory: '8Mi' }, limits: { memory: '64Mi' } },
  ...extra,
});

interface FaultKind {
  readonly failure: string;
  readonly rule: string;
  readonly pod: (name: string) => { spec: Record<string, unknown>; annotations?: Record<string, string> };
  /** The object the root cause is on, when it is not the Deployment itself. */
  readonly culprit?: (namespace: string, name: string) => PlantedFault['resource'];
}

const faultKinds: readonly FaultKind[] = [
  {
    failure: 'image tag not found',
    rule: 'image-pull-failure',
    pod: () => ({ spec: { containers: [nginx({ image: 'nginx:9.9.9' })] } }),
  },
  {
    failure: 'crash loop (exit 3)',
    rule: 'container-crash-loop',
    pod: () => ({
      spec: {
        containers: [
          nginx({
            image: 'busybox:1.36',
            command: ['sh', '-c', 'echo "FATAL: cannot open /data/state.db"; exit 3'],
            terminationMessagePolicy: 'FallbackToLogsOnError',
            readinessProbe: undefined,
          }),
        ],
      },
    }),
  },
  {
    failure: 'OOMKilled',
    rule: 'container-oom-killed',
    pod: () => ({
      spec: {
        containers: [
          nginx({
            image: 'busybox:1.36',
            command: ['sh', '-c', 'tail /dev/zero'],
            readinessProbe: undefined,
          }),
        ],
      },
    }),
  },
  {
    failure: 'readiness probe 404',
    rule: 'container-probe-failing',
    pod: () => ({
      spec: {
        containers: [
          nginx({ readinessProbe: { httpGet: { path: '/nope', port: 'http' }, periodSeconds: 10 } }),
        ],
      },
    }),
  },
  {
    failure: 'unschedulable (nodeSelector)',
    rule: 'pod-unschedulable',
    pod: () => ({ spec: { containers: [nginx()], nodeSelector: { disktype: 'nvme' } } }),
  },
  {
    failure: 'missing ConfigMap',
    rule: 'missing-config-reference',
    // The annotation only makes the fake kubelet report CreateContainerConfigError, as a real one
    // would; the engine finds the missing object from the reference.
    pod: (name) => ({
      spec: { containers: [nginx({ envFrom: [{ configMapRef: { name: `${name}-settings` } }] })] },
      annotations: { [configErrorAnnotation]: `configmap "${name}-settings" not found` },
    }),
    culprit: (namespace, name) => ({ kind: 'ConfigMap', namespace, name: `${name}-settings` }),
  },
  {
    failure: 'init container exits 1',
    rule: 'init-container-failure',
    pod: () => ({
      spec: {
        initContainers: [
          {
            name: 'migrate',
            image: 'busybox:1.36',
            command: ['sh', '-c', 'echo "ERROR: schema lock held"; exit 1'],
            terminationMessagePolicy: 'FallbackToLogsOnError',
          },
        ],
        containers: [nginx()],
      },
    }),
  },
];

const deployment = (
  namespace: string,
  name: string,
  replicas: number,
  kind: string,
  pod: { spec: Record<string, unknown>; annotations?: Record<string, string> },
): object => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace, labels: { app: name, [benchLabel]: kind } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: {
        labels: { app: name, [benchLabel]: kind },
        ...(pod.annotations === undefined ? {} : { annotations: pod.annotations }),
      },
      spec: {
        ...pod.spec,
        nodeSelector: { [poolLabel]: 'true', ...((pod.spec.nodeSelector as object | undefined) ?? {}) },
        tolerations: [
          { key: poolTaint.key, operator: 'Equal', value: poolTaint.value, effect: poolTaint.effect },
        ],
      },
    },
  },
});

/** `pods` pods in total: `brokenPerKind` Deployments × `brokenReplicas` per failure kind, the rest healthy. */
export function benchWorkload(options: {
  readonly pods: number;
  readonly kubernetesVersion: string;
  readonly namespaces?: number;
  readonly replicas?: number;
  readonly brokenPerKind?: number;
  readonly brokenReplicas?: number;
}): BenchWorkload {
  const namespaceCount = options.namespaces ?? 10;
  const replicas = options.replicas ?? 10;
  const brokenPerKind = options.brokenPerKind ?? 2;
  const brokenReplicas = options.brokenReplicas ?? 3;
  const namespaces = Array.from({ length: namespaceCount }, (_, index) => `bench-${String(index + 1)}`);
  const objects: object[] = namespaces.map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { [benchLabel]: 'true' } },
  }));

  const planted: PlantedFault[] = [];
  let brokenPods = 0;
  let slot = 0;
  for (const fault of faultKinds) {
    for (let index = 0; index < brokenPerKind; index += 1) {
      const namespace = namespaces[slot % namespaces.length] ?? 'bench-1';
      slot += 1;
      const name = `broken-${fault.rule.replace(/[^a-z]+/g, '-')}-${String(index + 1)}`.slice(0, 50);
      objects.push(deployment(namespace, name, brokenReplicas, 'broken', fault.pod(name)));
      planted.push({
        failure: fault.failure,
        namespace,
        deployment: name,
        rule: fault.rule,
        resource: fault.culprit?.(namespace, name) ?? { kind: 'Deployment', namespace, name },
        pods: brokenReplicas,
      });
      brokenPods += brokenReplicas;
    }
  }

  const healthyPods = Math.max(0, options.pods - brokenPods);
  let remaining = healthyPods;
  let healthyDeployments = 0;
  while (remaining > 0) {
    const count = Math.min(replicas, remaining);
    const namespace = namespaces[healthyDeployments % namespaces.length] ?? 'bench-1';
    const name = `web-${String(healthyDeployments + 1)}`;
    objects.push(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `${name}-config`, namespace },
        data: { LOG_LEVEL: 'info' },
      },
      deployment(namespace, name, count, 'healthy', {
        spec: { containers: [nginx({ envFrom: [{ configMapRef: { name: `${name}-config` } }] })] },
      }),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace },
        spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      },
    );
    remaining -= count;
    healthyDeployments += 1;
  }

  // 110 pods per kwok node; leave headroom so no pod is Pending for lack of room.
  const nodeCount = Math.max(1, Math.ceil(options.pods / 90));
  const template = fakeNodes(1, options.kubernetesVersion)[0];
  if (template === undefined) throw new Error('fakeNodes returned no node');
  const nodes = Array.from({ length: nodeCount }, (_, index) => {
    const name = `bench-node-${String(index + 1)}`;
    return {
      ...template,
      metadata: {
        ...template.metadata,
        name,
        labels: { ...template.metadata.labels, 'kubernetes.io/hostname': name, [poolLabel]: 'true' },
      },
      spec: { ...template.spec, podCIDR: `10.250.${String(index)}.0/24`, taints: [poolTaint] },
    };
  });
  return { nodes, namespaces, objects, planted, healthyPods, brokenPods, healthyDeployments };
}
