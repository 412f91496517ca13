import type { FindingDraft, Suspect } from '../model/finding.js';
import type { Node, Pod } from '../snapshot/kubernetes-types.js';
import { eventEvidence, fieldEvidence } from '../util/evidence.js';
import type { SchedulingConstraint } from '../util/parse-scheduling.js';
import { parseSchedulingMessage } from '../util/parse-scheduling.js';
import { condition } from '../util/pod-status.js';
import { parseQuantity } from '../util/quantity.js';
import { ref, refOf } from '../util/resource-ref.js';
import { oneLine } from '../util/text.js';
import type { Rule } from './rule.js';

const podRequest = (pod: Pod, resource: string): number =>
  (pod.spec?.containers ?? []).reduce(
    (sum, container) => sum + (parseQuantity(container.resources?.requests?.[resource]) ?? 0),
    0,
  );

const largestAllocatable = (nodes: readonly Node[], resource: string): number | undefined => {
  let largest: number | undefined;
  for (const node of nodes) {
    const value = parseQuantity(node.status?.allocatable?.[resource]);
    if (value !== undefined && (largest === undefined || value > largest)) largest = value;
  }
  return largest;
};

const explainConstraint = (constraint: SchedulingConstraint, pod: Pod, nodes: readonly Node[]): string => {
  switch (constraint.type) {
    case 'insufficient-resource': {
      const requested = podRequest(pod, constraint.detail);
      const largest = largestAllocatable(nodes, constraint.detail);
      const sizing =
        largest !== undefined && requested > largest
          ? ` The pod requests ${requested} ${constraint.detail}, more than the largest node can ever offer (${largest}).`
          : '';
      return `${constraint.nodes} node(s) lack free ${constraint.detail} for the pod's requests.${sizing}`;
    }
    case 'untolerated-taint':
      return `${constraint.nodes} node(s) carry a taint ${constraint.detail} the pod does not tolerate.`;
    case 'node-affinity':
      return `${constraint.nodes} node(s) do not match the pod's nodeSelector/required node affinity${
        pod.spec?.nodeSelector === undefined
          ? ''
          : ` (${Object.entries(pod.spec.nodeSelector)
              .map(([key, value]) => `${key}=${value}`)
              .join(',')})`
      }.`;
    case 'pod-anti-affinity':
      return `${constraint.nodes} node(s) already run a pod the required anti-affinity forbids sharing with (more replicas than eligible nodes).`;
    case 'pod-affinity':
      return `${constraint.nodes} node(s) lack the pods the required pod affinity needs next to this one.`;
    case 'unbound-pvc':
      return 'A PersistentVolumeClaim the pod mounts is not bound to a volume.';
    case 'pvc-not-found':
      return `The pod mounts PersistentVolumeClaim ${constraint.detail}, which does not exist.`;
    case 'volume-node-affinity':
      return `${constraint.nodes} node(s) are in a different zone/topology than the pod's bound volume.`;
    case 'node-unschedulable':
      return `${constraint.nodes} node(s) are cordoned (unschedulable).`;
    case 'ports':
      return `${constraint.nodes} node(s) have the requested hostPort in use.`;
    case 'too-many-pods':
      return `${constraint.nodes} node(s) reached their max pods.`;
    case 'topology-spread':
      return `${constraint.nodes} node(s) would violate the pod's topology spread constraints.`;
    case 'no-nodes':
      return 'The cluster has no schedulable nodes.';
    case 'other':
      return `${constraint.nodes} node(s): ${constraint.text}.`;
  }
};

const remedies: Readonly<Record<SchedulingConstraint['type'], string>> = {
  'insufficient-resource': 'lower the pod requests, free capacity (scale down other workloads) or add nodes',
  'untolerated-taint':
    'add a matching toleration, or schedule onto untainted nodes (a not-ready/unreachable taint means the node itself is down)',
  'node-affinity': 'fix the nodeSelector/affinity labels or label a node to match',
  'pod-anti-affinity':
    'reduce replicas to the number of eligible nodes, add nodes, or make the anti-affinity preferred instead of required',
  'pod-affinity': 'schedule the pods it must sit next to first, or relax the affinity',
  'unbound-pvc': 'fix the PersistentVolumeClaim so it binds (StorageClass, provisioner, matching PV)',
  'pvc-not-found': 'create the PersistentVolumeClaim or fix the claimName in the pod spec',
  'volume-node-affinity': "run the pod in the volume's zone or recreate the volume where nodes exist",
  'node-unschedulable': 'uncordon nodes (`kubectl uncordon`) once maintenance is over',
  ports: 'drop the hostPort or spread pods so each node runs one',
  'too-many-pods': 'add nodes or raise the kubelet maxPods',
  'topology-spread': 'relax whenUnsatisfiable to ScheduleAnyway or add nodes in the missing domains',
  'no-nodes': 'add or repair nodes',
  other: 'read the scheduler message and relax the failing constraint',
};

/** Taints the node lifecycle controller sets from a node's conditions, as opposed to a user's own taints. */
const conditionTaintPrefix = 'node.kubernetes.io/';

type Taint = NonNullable<NonNullable<Node['spec']>['taints']>[number];

const tolerates = (pod: Pod, taint: Taint): boolean =>
  (pod.spec?.tolerations ?? []).some(
    (toleration) =>
      (toleration.effect === undefined || toleration.effect === '' || toleration.effect === taint.effect) &&
      (toleration.operator === 'Exists'
        ? toleration.key === undefined || toleration.key === '' || toleration.key === taint.key
        : toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '')),
  );

const blocks = (taint: Taint): boolean => taint.effect === 'NoSchedule' || taint.effect === 'NoExecute';

/**
 * Nodes whose own condition keeps the pod off them: the pod would fit the node (its nodeSelector
 * matches, it tolerates the user's taints) but not the taint the node lifecycle controller added
 * (`node.kubernetes.io/not-ready`, `unreachable`, `memory-pressure`, ...), or the node is cordoned.
 * Kubernetes 1.35 no longer names the taint ("had untolerated taint(s)"), so
 * this is computed from the objects; a pod kept off a NotReady node by the node's other taints or
 * labels is not that node's symptom.
 */
const strandingNodes = (pod: Pod, nodes: readonly Node[]): Node[] =>
  nodes.filter((node) => {
    const labels = node.metadata?.labels ?? {};
    const selected = Object.entries(pod.spec?.nodeSelector ?? {}).every(
      ([key, value]) => labels[key] === value,
    );
    if (!selected) return false;
    const untolerated = (node.spec?.taints ?? []).filter((taint) => blocks(taint) && !tolerates(pod, taint));
    if (node.spec?.unschedulable === true)
      return untolerated.every((taint) => taint.key?.startsWith(conditionTaintPrefix) === true);
    return (
      untolerated.length > 0 &&
      untolerated.every((taint) => taint.key?.startsWith(conditionTaintPrefix) === true)
    );
  });

export const podUnschedulableRule: Rule = {
  id: 'pod-unschedulable',
  title:
    'Pending pod the scheduler cannot place, with which constraint fails (resources, taints, selectors, affinity, anti-affinity, PVCs)',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    const nodes = context.snapshot.nodes ?? [];
    for (const pod of context.snapshot.pods ?? []) {
      if (pod.status?.phase !== 'Pending' || pod.spec?.nodeName !== undefined) continue;
      const podRef = refOf('Pod', pod);
      const scheduled = condition(pod.status.conditions, 'PodScheduled');
      if (scheduled?.reason === 'SchedulingGated') {
        drafts.push({
          rule: 'pod-unschedulable',
          severity: 'info',
          resource: podRef,
          causeKey: 'gated',
          summary: 'pod is held by scheduling gates',
          rootCause:
            'spec.schedulingGates is not empty; the scheduler waits until the controller that added the gates removes them.',
          evidence: [fieldEvidence(podRef, 'status.conditions[PodScheduled].reason', 'SchedulingGated')],
          remediation:
            'Check the controller that owns the scheduling gate (queueing/quota system) and why it has not released the pod.',
        });
        continue;
      }
      const events = context.warnings(podRef, ['FailedScheduling']);
      const message = events[0]?.message ?? (scheduled?.status === 'False' ? (scheduled.message ?? '') : '');
      if (message === '') continue;
      const parsed = parseSchedulingMessage(message);
      const constraints = parsed?.constraints ?? [];
      const suspects: Suspect[] = [];
      const nodeBound = constraints.some(
        (item) => item.type === 'untolerated-taint' || item.type === 'node-unschedulable',
      );
      const nodeSuspects = constraints.some((item) => item.type === 'no-nodes')
        ? nodes
        : nodeBound
          ? strandingNodes(pod, nodes)
          : [];
      for (const node of nodeSuspects)
        suspects.push({ ...refOf('Node', node), rules: ['node-not-ready', 'node-pressure'] });
      for (const constraint of constraints) {
        if (constraint.type === 'unbound-pvc' || constraint.type === 'pvc-not-found') {
          for (const volume of pod.spec?.volumes ?? []) {
            const claim = volume.persistentVolumeClaim?.claimName;
            if (claim !== undefined)
              suspects.push({
                ...ref('PersistentVolumeClaim', podRef.namespace, claim),
                rules: ['pvc-pending', 'missing-pvc'],
              });
          }
        }
      }
      const types = [
        ...new Set(
          constraints.map((item) => (item.detail === '' ? item.type : `${item.type}:${item.detail}`)),
        ),
      ].sort();
      const explanation = constraints.map((item) => explainConstraint(item, pod, nodes)).join(' ');
      const fixes = [...new Set(constraints.map((item) => remedies[item.type]))];
      drafts.push({
        rule: 'pod-unschedulable',
        severity: 'critical',
        resource: podRef,
        causeKey: types.join('+') || oneLine(message, 80),
        summary: `pod cannot be scheduled: ${constraints.length === 0 ? oneLine(message, 120) : constraints.map((item) => item.text).join('; ')}`,
        rootCause:
          parsed === undefined
            ? `The scheduler reports: "${oneLine(message, 240)}".`
            : `No node fits (${parsed.available}/${parsed.total} available). ${explanation}`,
        evidence: [
          ...events.slice(0, 1).map((event) => eventEvidence(event)),
          ...(scheduled === undefined
            ? []
            : [
                fieldEvidence(
                  podRef,
                  'status.conditions[PodScheduled]',
                  `${scheduled.status ?? ''} ${scheduled.reason ?? ''}: ${scheduled.message ?? ''}`,
                ),
              ]),
        ],
        remediation:
          fixes.length === 0 ? 'Relax the constraint the scheduler names.' : `${fixes.join('; ')}.`,
        suspects,
      });
    }
    return drafts;
  },
};
