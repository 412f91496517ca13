import type { FindingDraft } from '../model/finding.js';
import { fieldEvidence } from '../util/evidence.js';
import { condition } from '../util/pod-status.js';
import { refOf } from '../util/resource-ref.js';
import { oneLine } from '../util/text.js';
import type { Rule } from './rule.js';

const pressures: readonly [string, string][] = [
  ['MemoryPressure', 'memory'],
  ['DiskPressure', 'disk'],
  ['PIDPressure', 'process IDs'],
];

export const nodePressureRule: Rule = {
  id: 'node-pressure',
  title: 'Node under memory, disk or PID pressure (evicts pods, refuses new ones); cordoned nodes',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const node of context.snapshot.nodes ?? []) {
      const resource = refOf('Node', node);
      for (const [type, what] of pressures) {
        const state = condition(node.status?.conditions, type);
        if (state?.status !== 'True') continue;
        drafts.push({
          rule: 'node-pressure',
          severity: 'warning',
          resource,
          causeKey: type,
          summary: `node has ${type}`,
          rootCause: `The kubelet reports low ${what}: "${oneLine(state.message ?? '', 200)}". It evicts pods and the scheduler avoids the node (taint node.kubernetes.io/${type.replace('Pressure', '').toLowerCase()}-pressure).`,
          evidence: [
            fieldEvidence(
              resource,
              `status.conditions[${type}]`,
              `True ${state.reason ?? ''}: ${state.message ?? ''}`,
            ),
          ],
          remediation:
            what === 'disk'
              ? 'Free disk on the node (unused images, container logs, emptyDir) or enlarge it.'
              : 'Find the biggest consumers (`kubectl top pods -A --sort-by=memory`), set limits, or add capacity.',
        });
      }
      if (node.spec?.unschedulable === true) {
        drafts.push({
          rule: 'node-pressure',
          severity: 'info',
          resource,
          causeKey: 'cordoned',
          summary: 'node is cordoned (unschedulable)',
          rootCause:
            'spec.unschedulable is true: no new pods are placed here (maintenance or a drain that never finished).',
          evidence: [fieldEvidence(resource, 'spec.unschedulable', 'true')],
          remediation: `Uncordon it when maintenance is over: \`kubectl uncordon ${resource.name}\`.`,
        });
      }
    }
    return drafts;
  },
};
