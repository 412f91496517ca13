/**
 * Cases the real testbed (Kubernetes 1.35.4, kwok kubelets) showed the engine got wrong. The
 * objects are trimmed copies of what the apiserver returned there; names and messages verbatim.
 */
import { describe, expect, it } from 'vitest';

import type { ClusterSnapshot, Finding, KubeEvent, Node, Pod } from '../src/index.js';
import { diagnose, parseSchedulingMessage } from '../src/index.js';
import { event, minutesAgo, node, podRef, snapshot } from './fixtures/builders.js';

const key = (finding: Finding): string =>
  `${finding.rule} ${finding.resource.kind}/${finding.resource.namespace}/${finding.resource.name}`;
const everything = (snap: ClusterSnapshot): Finding[] => {
  const report = diagnose(snap);
  return [...report.findings, ...report.symptoms];
};

const defaultTolerations = [
  { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
  { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
];

/** worker-9 of the node-not-ready scenario: a user taint plus the lifecycle controller's taints. */
const worker9: Node = {
  ...node('worker-9', { ready: 'False' }),
  metadata: {
    name: 'worker-9',
    uid: 'node-worker-9',
    labels: { 'kubernetes.io/hostname': 'worker-9', 'kubernetes.io/os': 'linux', type: 'kwok' },
    creationTimestamp: minutesAgo(10),
  },
  spec: {
    taints: [
      { effect: 'NoSchedule', key: 'dedicated', value: 'edge' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/not-ready' },
      { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready' },
    ],
  },
  status: {
    ...node('worker-9', { ready: 'False' }).status,
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        reason: 'KubeletNotReady',
        message:
          'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
      },
    ],
  },
};

const gpu1: Node = {
  ...node('gpu-1'),
  spec: { taints: [{ effect: 'NoSchedule', key: 'nvidia.com/gpu', value: 'present' }] },
};

const pendingPod = (
  namespace: string,
  name: string,
  spec: Partial<NonNullable<Pod['spec']>>,
  message: string,
): { pod: Pod; events: KubeEvent[] } => {
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: `uid-${name}`, creationTimestamp: minutesAgo(5) },
    spec: {
      containers: [{ name: 'app', image: 'nginx:1.27' }],
      restartPolicy: 'Always',
      tolerations: defaultTolerations,
      ...spec,
    },
    status: {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }],
    },
  };
  return {
    pod,
    events: [event(podRef(pod), 'FailedScheduling', message, { component: 'default-scheduler', count: 5 })],
  };
};

describe('scheduler messages as Kubernetes 1.35 prints them', () => {
  it('reads the reasons and ignores the "no new claims to deallocate, preemption" tail', () => {
    const parsed = parseSchedulingMessage(
      "0/4 nodes are available: 2 node(s) didn't match pod anti-affinity rules, 2 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
    );
    expect(parsed?.available).toBe(0);
    expect(parsed?.total).toBe(4);
    expect(parsed?.constraints.map((item) => [item.type, item.nodes, item.text])).toEqual([
      ['pod-anti-affinity', 2, "node(s) didn't match pod anti-affinity rules"],
      ['untolerated-taint', 2, 'node(s) had untolerated taint(s)'],
    ]);
  });
});

describe('a NotReady node explains only the pods it keeps off', () => {
  const antiAffinityMessage =
    "0/4 nodes are available: 2 node(s) didn't match pod anti-affinity rules, 2 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/4 nodes are available: 2 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.";
  const strandedMessage =
    "0/4 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.";

  it("a pod kept off the NotReady node by its user taint is not that node's symptom", () => {
    const zookeeper = pendingPod(
      'anti-affinity-impossible',
      'zookeeper-6486fbbc5b-rctlv',
      {},
      antiAffinityMessage,
    );
    const findings = everything(
      snapshot({
        nodes: [node('worker-1'), node('worker-2'), gpu1, worker9],
        pods: [zookeeper.pod],
        events: zookeeper.events,
      }),
    );
    const pending = findings.find((finding) => finding.rule === 'pod-unschedulable');
    expect(pending?.causedBy, findings.map(key).join(' | ')).toEqual([]);
    expect(findings.find((finding) => finding.rule === 'node-not-ready')?.causes).toEqual([]);
  });

  it('a pod pinned to the NotReady node (selector matches, user taint tolerated) is explained by it', () => {
    const edge = pendingPod(
      'node-not-ready',
      'edge-cache-6978c49cd6-x2x7k',
      {
        nodeSelector: { 'kubernetes.io/hostname': 'worker-9' },
        tolerations: [
          { effect: 'NoSchedule', key: 'dedicated', operator: 'Equal', value: 'edge' },
          ...defaultTolerations,
        ],
      },
      strandedMessage,
    );
    const report = diagnose(
      snapshot({
        nodes: [node('worker-1'), node('worker-2'), gpu1, worker9],
        pods: [edge.pod],
        events: edge.events,
      }),
    );
    expect(report.findings.map(key)).toEqual(['node-not-ready Node//worker-9']);
    expect(report.symptoms.map(key)).toEqual([
      'pod-unschedulable Pod/node-not-ready/edge-cache-6978c49cd6-x2x7k',
    ]);
  });
});

describe('-n keeps a NotReady node only where it strands or keeps off pods', () => {
  // After the toleration period the node-not-ready scenario's pods are evicted: the node strands
  // nothing, and the replacement pods wait for it.
  const edge = pendingPod(
    'node-not-ready',
    'edge-cache-6978c49cd6-x2x7k',
    {
      nodeSelector: { 'kubernetes.io/hostname': 'worker-9' },
      tolerations: [
        { effect: 'NoSchedule', key: 'dedicated', operator: 'Equal', value: 'edge' },
        ...defaultTolerations,
      ],
    },
    "0/4 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
  );
  const snap = (): ClusterSnapshot =>
    snapshot({
      nodes: [node('worker-1'), node('worker-2'), gpu1, worker9],
      pods: [edge.pod],
      events: edge.events,
    });

  it('an unrelated namespace does not get the node as its top problem', () => {
    const report = diagnose(snap(), { namespaces: ['readiness-wrong-port'] });
    expect([...report.findings, ...report.symptoms].map(key)).toEqual([]);
  });

  it('the namespace whose pods wait for the node gets the node as their root cause', () => {
    const report = diagnose(snap(), { namespaces: ['node-not-ready'] });
    expect(report.findings.map(key)).toEqual(['node-not-ready Node//worker-9']);
    expect(report.symptoms.map(key)).toEqual([
      'pod-unschedulable Pod/node-not-ready/edge-cache-6978c49cd6-x2x7k',
    ]);
  });
});

describe('a crash-looping container seen between two back-offs', () => {
  // rollout-stuck: the kubelet shows the latest crash as the current state until the next back-off.
  const payments: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'payments-6d587dcf4-r2mzt',
      namespace: 'rollout-stuck',
      uid: 'ea263f4b-e8b9-498c-8a98-d84d4fcfd3e4',
      creationTimestamp: minutesAgo(3),
    },
    spec: {
      containers: [
        {
          name: 'payments',
          image: 'node:22-alpine',
          command: [
            'sh',
            '-c',
            'echo "running migrations"; echo "panic: migration 0042 failed: column amount_cents does not exist"; exit 2',
          ],
          ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
        },
      ],
      nodeName: 'node-1',
      restartPolicy: 'Always',
      tolerations: defaultTolerations,
    },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'payments',
          image: 'node:22-alpine',
          ready: false,
          restartCount: 4,
          state: {
            terminated: {
              exitCode: 2,
              reason: 'Error',
              message: 'panic: migration 0042 failed: column amount_cents does not exist',
              startedAt: minutesAgo(1),
              finishedAt: minutesAgo(1),
            },
          },
          lastState: {
            terminated: {
              exitCode: 2,
              reason: 'Error',
              message: 'panic: migration 0042 failed: column amount_cents does not exist',
              startedAt: minutesAgo(2),
              finishedAt: minutesAgo(2),
            },
          },
        },
      ],
    },
  };

  it('is a crash loop with the exit code and message, not a one-off container exit', () => {
    const findings = everything(snapshot({ pods: [payments] }));
    expect(findings.map(key)).toEqual(['container-crash-loop Pod/rollout-stuck/payments-6d587dcf4-r2mzt']);
    expect(findings[0]?.summary).toContain('exit code 2');
    expect(findings[0]?.rootCause).toContain('column amount_cents does not exist');
  });

  it('a restartPolicy Never container that exits non-zero is still a terminated error', () => {
    const once: Pod = { ...payments, spec: { ...payments.spec, restartPolicy: 'Never' } };
    expect(everything(snapshot({ pods: [once] })).map((finding) => finding.rule)).toEqual([
      'container-terminated-error',
    ]);
  });
});

describe("Kubernetes' default RBAC bindings", () => {
  // Created by the apiserver; kube-controller-manager without --use-service-account-credentials
  // never creates the controllers' ServiceAccounts.
  const bootstrap = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: {
      name: 'system:controller:attachdetach-controller',
      labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
      annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
    },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'system:controller:attachdetach-controller',
    },
    subjects: [{ kind: 'ServiceAccount', name: 'attachdetach-controller', namespace: 'kube-system' }],
  };
  const role = { metadata: { name: 'system:controller:attachdetach-controller' }, rules: [] };

  it('are not reported for controller ServiceAccounts that do not exist', () => {
    expect(
      everything(snapshot({ clusterrolebindings: [bootstrap], clusterroles: [role], serviceaccounts: [] })),
    ).toEqual([]);
  });

  it("a user's ClusterRoleBinding to a missing ServiceAccount is reported for the subject's namespace only", () => {
    const mine = { ...bootstrap, metadata: { name: 'ci-deployer' } };
    const snap = snapshot({ clusterrolebindings: [mine], clusterroles: [role], serviceaccounts: [] });
    expect(everything(snap).map(key)).toEqual(['rbac-binding-broken ClusterRoleBinding//ci-deployer']);
    expect(diagnose(snap, { namespaces: ['kube-system'] }).findings).toHaveLength(1);
    expect(diagnose(snap, { namespaces: ['shop'] }).findings).toEqual([]);
  });
});
