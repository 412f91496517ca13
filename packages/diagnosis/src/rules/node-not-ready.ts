import type { FindingDraft } from '../model/finding.js';
import { fieldEvidence } from '../util/evidence.js';
import { condition, isTerminal } from '../util/pod-status.js';
import { ref, refOf } from '../util/resource-ref.js';
import { listNames, oneLine } from '../util/text.js';
import type { Rule } from './rule.js';

export const nodeNotReadyRule: Rule = {
  id: 'node-not-ready',
  title: 'Node NotReady or Unknown (kubelet, runtime or network down), with the pods it strands',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    const podsByNode = new Map<string, string[][]>();
    for (const pod of context.snapshot.pods ?? []) {
      const node = pod.spec?.nodeName;
      if (node === undefined || isTerminal(pod)) continue;
      const list = podsByNode.get(node) ?? [];
      list.push([pod.metadata?.namespace ?? '', pod.metadata?.name ?? '']);
      podsByNode.set(node, list);
    }
    for (const node of context.snapshot.nodes ?? []) {
      const ready = condition(node.status?.conditions, 'Ready');
      const network = condition(node.status?.conditions, 'NetworkUnavailable');
      const resource = refOf('Node', node);
      const stranded = (podsByNode.get(resource.name) ?? []).map(([namespace = '', name = '']) =>
        ref('Pod', namespace, name),
      );
      // Ranked by what it breaks: critical while it strands pods; an empty node down is lost
      // capacity (linking raises it again when it keeps pods from scheduling).
      if (ready !== undefined && ready.status !== 'True') {
        const unknown = ready.status === 'Unknown';
        drafts.push({
          rule: 'node-not-ready',
          severity: stranded.length > 0 ? 'critical' : 'warning',
          resource,
          causeKey: unknown ? 'unknown' : 'not-ready',
          summary: `node is ${unknown ? 'unreachable (Ready=Unknown)' : 'NotReady'}; ${stranded.length} pods stranded`,
          rootCause:
            (unknown
              ? 'The kubelet stopped posting status (node down, kubelet crashed or network partition).'
              : `The kubelet reports NotReady: "${oneLine(ready.message ?? ready.reason ?? '', 200)}" (container runtime or CNI not ready).`) +
            (stranded.length === 0
              ? ''
              : ` Pods on it (${listNames(
                  stranded.map((item) => `${item.namespace}/${item.name}`),
                  4,
                )}) are not serving and will be evicted after the toleration timeout.`),
          evidence: [
            fieldEvidence(
              resource,
              'status.conditions[Ready]',
              `${ready.status ?? ''} ${ready.reason ?? ''}: ${ready.message ?? ''}`,
            ),
          ],
          remediation:
            'Check the node (SSH/console): `systemctl status kubelet containerd`, disk and memory, network; cordon and drain it if it cannot be repaired.',
          affected: stranded,
        });
      } else if (network?.status === 'True') {
        drafts.push({
          rule: 'node-not-ready',
          severity: stranded.length > 0 ? 'critical' : 'warning',
          resource,
          causeKey: 'network-unavailable',
          summary: 'node network is unavailable (NetworkUnavailable=True)',
          rootCause: `The node's pod network is not configured: "${oneLine(network.message ?? network.reason ?? '', 200)}"; pods there cannot talk to the cluster.`,
          evidence: [
            fieldEvidence(
              resource,
              'status.conditions[NetworkUnavailable]',
              `True ${network.reason ?? ''}: ${network.message ?? ''}`,
            ),
          ],
          remediation:
            'Check the CNI plugin pod on this node (`kubectl get pods -n kube-system -o wide --field-selector spec.nodeName=' +
            resource.name +
            '`).',
          affected: stranded,
        });
      }
    }
    return drafts;
  },
};
