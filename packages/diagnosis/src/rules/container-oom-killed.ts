import type { FindingDraft } from '../model/finding.js';
import { fieldEvidence } from '../util/evidence.js';
import { containerSpec, isTerminal } from '../util/pod-status.js';
import { refOf } from '../util/resource-ref.js';
import type { Rule } from './rule.js';

export const containerOomKilledRule: Rule = {
  id: 'container-oom-killed',
  title: 'Container killed for exceeding its memory limit (OOMKilled)',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const pod of context.snapshot.pods ?? []) {
      const podRef = refOf('Pod', pod);
      for (const status of [
        ...(pod.status?.containerStatuses ?? []),
        ...(pod.status?.initContainerStatuses ?? []),
      ]) {
        const current = status.state?.terminated?.reason === 'OOMKilled';
        const previous = status.lastState?.terminated?.reason === 'OOMKilled';
        if (!current && !previous) continue;
        if (isTerminal(pod) && !current) continue;
        const name = status.name ?? '';
        const limit = containerSpec(pod.spec, name)?.resources?.limits?.memory;
        const looping = status.state?.waiting?.reason === 'CrashLoopBackOff';
        const path = current ? 'state' : 'lastState';
        drafts.push({
          rule: 'container-oom-killed',
          severity: looping ? 'critical' : 'warning',
          resource: podRef,
          causeKey: name,
          summary: `container ${name} was OOMKilled${limit === undefined ? ' (no memory limit set on the container; node memory ran out)' : ` at its ${String(limit)} memory limit`}`,
          rootCause:
            `The kernel killed container ${name} because it used more memory than ` +
            (limit === undefined ? 'the node could give it.' : `its limit of ${String(limit)}.`) +
            (looping
              ? ' It is now in CrashLoopBackOff.'
              : ` It has restarted ${status.restartCount ?? 0} times.`),
          evidence: [
            fieldEvidence(podRef, `status.containerStatuses[${name}].${path}.terminated.reason`, 'OOMKilled'),
            fieldEvidence(
              podRef,
              `spec.containers[${name}].resources.limits.memory`,
              limit === undefined ? '<unset>' : String(limit),
            ),
            fieldEvidence(
              podRef,
              `status.containerStatuses[${name}].restartCount`,
              String(status.restartCount ?? 0),
            ),
          ],
          remediation:
            `Raise resources.limits.memory for container ${name} above its real peak (check \`kubectl top pod ${podRef.name} -n ${podRef.namespace} --containers\`), ` +
            'or reduce the application heap/cache size so it fits the limit.',
        });
      }
    }
    return drafts;
  },
};
