import type { FindingDraft } from '../model/finding.js';
import { fieldEvidence } from '../util/evidence.js';
import { isTerminal } from '../util/pod-status.js';
import { refOf } from '../util/resource-ref.js';
import { crashLoopPhase } from './crash-loop-phase.js';
import { exitCodeMeaning } from './exit-code-meaning.js';
import type { Rule } from './rule.js';

/** Restarts at or above this count are reported even when the container is up right now. */
export const restartThreshold = 5;

export const containerRestartingRule: Rule = {
  id: 'container-restarting',
  title: 'Container running now but restarted many times (intermittent crashes hidden by a Ready status)',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const pod of context.snapshot.pods ?? []) {
      if (isTerminal(pod)) continue;
      const podRef = refOf('Pod', pod);
      for (const status of pod.status?.containerStatuses ?? []) {
        const restarts = status.restartCount ?? 0;
        if (restarts < restartThreshold || status.state?.running === undefined) continue;
        // A container caught running between two crashes is the crash loop's to report.
        if (crashLoopPhase(context, pod, podRef, status) !== undefined) continue;
        const last = status.lastState?.terminated;
        if (last?.reason === 'OOMKilled') continue;
        const name = status.name ?? '';
        drafts.push({
          rule: 'container-restarting',
          severity: 'info',
          resource: podRef,
          causeKey: name,
          summary: `container ${name} has restarted ${restarts} times`,
          rootCause: `Container ${name} is running but restarted ${restarts} times; the last exit: ${exitCodeMeaning(last?.exitCode, last?.reason)}.`,
          evidence: [
            fieldEvidence(podRef, `status.containerStatuses[${name}].restartCount`, String(restarts)),
            fieldEvidence(
              podRef,
              `status.containerStatuses[${name}].lastState.terminated`,
              `exitCode=${last?.exitCode ?? '?'} reason=${last?.reason ?? '?'} finishedAt=${last?.finishedAt ?? '?'}`,
            ),
          ],
          remediation: `Check \`kubectl logs ${podRef.name} -n ${podRef.namespace} -c ${name} --previous\` for the crash and the liveness probe events.`,
        });
      }
    }
    return drafts;
  },
};
