/** One reason the scheduler gave in a FailedScheduling message, with the node count it applies to. */
export interface SchedulingConstraint {
  readonly type:
    | 'insufficient-resource'
    | 'untolerated-taint'
    | 'node-affinity'
    | 'pod-affinity'
    | 'pod-anti-affinity'
    | 'unbound-pvc'
    | 'pvc-not-found'
    | 'volume-node-affinity'
    | 'node-unschedulable'
    | 'ports'
    | 'too-many-pods'
    | 'topology-spread'
    | 'no-nodes'
    | 'other';
  readonly nodes: number;
  /** The resource (cpu, memory, nvidia.com/gpu), taint, or claim name when the message names one. */
  readonly detail: string;
  readonly text: string;
}

export interface SchedulingFailure {
  readonly available: number;
  readonly total: number;
  readonly constraints: readonly SchedulingConstraint[];
}

const classify = (text: string, nodes: number): SchedulingConstraint => {
  const insufficient = /^Insufficient (\S+)/.exec(text);
  if (insufficient !== null)
    return { type: 'insufficient-resource', nodes, detail: insufficient[1] ?? '', text };
  const taint = /untolerated taint\(?s?\)?\s*(\{[^}]*\})?/.exec(text);
  if (taint !== null) return { type: 'untolerated-taint', nodes, detail: taint[1] ?? '', text };
  if (/didn't match Pod's node affinity\/selector|didn't match node selector/.test(text))
    return { type: 'node-affinity', nodes, detail: '', text };
  if (/didn't match pod anti-affinity rules|didn't satisfy existing pods anti-affinity rules/.test(text))
    return { type: 'pod-anti-affinity', nodes, detail: '', text };
  if (/didn't match pod affinity rules/.test(text)) return { type: 'pod-affinity', nodes, detail: '', text };
  if (/volume node affinity conflict/.test(text))
    return { type: 'volume-node-affinity', nodes, detail: '', text };
  if (/unschedulable/.test(text)) return { type: 'node-unschedulable', nodes, detail: '', text };
  if (/free ports/.test(text)) return { type: 'ports', nodes, detail: '', text };
  if (/Too many pods/.test(text)) return { type: 'too-many-pods', nodes, detail: '', text };
  if (/topology spread constraints/.test(text)) return { type: 'topology-spread', nodes, detail: '', text };
  return { type: 'other', nodes, detail: '', text };
};

/**
 * Parses the scheduler's FailedScheduling / PodScheduled message, e.g.
 * `0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: },
 * 2 Insufficient cpu. preemption: 0/3 nodes are available: ...`, or as Kubernetes 1.35 prints it
 * `... 1 node(s) had untolerated taint(s), 2 Insufficient cpu. no new claims to deallocate, preemption: ...`
 * (the taint is no longer named). The tail after the reasons is ignored.
 */
export const parseSchedulingMessage = (message: string): SchedulingFailure | undefined => {
  const unbound = /pod has unbound immediate PersistentVolumeClaims/.exec(message);
  const missingClaim = /persistentvolumeclaim "([^"]+)" not found/.exec(message);
  const head = /(\d+)\/(\d+) nodes are available:?\s*(.*)/s.exec(message);
  if (head === null) {
    if (missingClaim !== null)
      return {
        available: 0,
        total: 0,
        constraints: [{ type: 'pvc-not-found', nodes: 0, detail: missingClaim[1] ?? '', text: message }],
      };
    if (/no nodes available to schedule pods/.test(message))
      return {
        available: 0,
        total: 0,
        constraints: [{ type: 'no-nodes', nodes: 0, detail: '', text: message }],
      };
    return undefined;
  }
  const available = Number(head[1]);
  const total = Number(head[2]);
  // The reasons end at the first sentence break; what follows is other plugins' text
  // ("preemption: ...", or in 1.35 "no new claims to deallocate, preemption: ...").
  const body = (head[3] ?? '').split(/\.\s+(?!\d)/)[0] ?? '';
  const constraints: SchedulingConstraint[] = [];
  if (unbound !== null)
    constraints.push({
      type: 'unbound-pvc',
      nodes: total,
      detail: '',
      text: 'pod has unbound immediate PersistentVolumeClaims',
    });
  if (missingClaim !== null)
    constraints.push({
      type: 'pvc-not-found',
      nodes: total,
      detail: missingClaim[1] ?? '',
      text: missingClaim[0],
    });
  // Reasons are comma-separated "N reason" items; taint braces may contain commas, so split on ", N ".
  for (const part of body.replace(/\.$/, '').split(/,\s+(?=\d+\s)/)) {
    const item = /^(\d+)\s+(.*)$/s.exec(part.trim());
    if (item === null) continue;
    constraints.push(classify((item[2] ?? '').trim().replace(/\.$/, ''), Number(item[1])));
  }
  if (constraints.length === 0 && total === 0)
    constraints.push({ type: 'no-nodes', nodes: 0, detail: '', text: message });
  return { available, total, constraints };
};
