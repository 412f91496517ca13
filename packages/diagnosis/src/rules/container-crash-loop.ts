import type { FindingDraft, Suspect } from '../model/finding.js';
import { eventEvidence, fieldEvidence } from '../util/evidence.js';
import { isTerminal } from '../util/pod-status.js';
import { refOf } from '../util/resource-ref.js';
import { oneLine } from '../util/text.js';
import { crashLoopPhase } from './crash-loop-phase.js';
import { exitCodeMeaning } from './exit-code-meaning.js';
import { containerLogFacts } from './container-log-evidence.js';
import { parseForbidden } from './forbidden-message.js';
import type { Rule } from './rule.js';

export const containerCrashLoopRule: Rule = {
  id: 'container-crash-loop',
  title:
    'Container in CrashLoopBackOff (or between two back-offs), with its last exit code, reason and message',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const pod of context.snapshot.pods ?? []) {
      if (isTerminal(pod)) continue;
      const podRef = refOf('Pod', pod);
      for (const status of pod.status?.containerStatuses ?? []) {
        const phase = crashLoopPhase(context, pod, podRef, status);
        if (phase === undefined) continue;
        const backingOff = phase.phase === 'backing-off';
        const terminatedPath = phase.terminatedPath;
        const last =
          terminatedPath === 'state.terminated' ? status.state?.terminated : status.lastState?.terminated;
        if (last?.reason === 'OOMKilled') continue;
        const name = status.name ?? '';
        const exitCode = last?.exitCode;
        const lastMessage = last?.message ?? '';
        const forbidden = parseForbidden(lastMessage);
        const suspects: Suspect[] = [
          { ...podRef, rules: ['container-probe-failing', 'container-config-error'] },
        ];
        if (forbidden !== undefined) {
          suspects.push({
            kind: 'ServiceAccount',
            namespace: forbidden.namespace,
            name: forbidden.serviceAccount,
            rules: ['rbac-access-denied'],
          });
        }
        const logs = containerLogFacts(context, podRef, name);
        suspects.push(...logs.suspects);
        const evidence = [
          ...(backingOff
            ? [
                fieldEvidence(
                  podRef,
                  `status.containerStatuses[${name}].state.waiting.reason`,
                  'CrashLoopBackOff',
                ),
              ]
            : []),
          ...(phase.phase === 'restarted'
            ? [
                fieldEvidence(
                  podRef,
                  `status.containerStatuses[${name}].state.running.startedAt`,
                  `${status.state?.running?.startedAt ?? '?'} (restarted after the crash below; the loop continues)`,
                ),
              ]
            : []),
          fieldEvidence(
            podRef,
            `status.containerStatuses[${name}].${terminatedPath}`,
            `exitCode=${exitCode ?? '?'} reason=${last?.reason ?? '?'}${lastMessage === '' ? '' : ` message=${oneLine(lastMessage, 200)}`}`,
          ),
          fieldEvidence(
            podRef,
            `status.containerStatuses[${name}].restartCount`,
            String(status.restartCount ?? 0),
          ),
          ...context
            .warnings(podRef, ['BackOff'])
            .slice(0, 1)
            .map((event) => eventEvidence(event)),
          ...logs.evidence,
        ];
        drafts.push({
          rule: 'container-crash-loop',
          severity: 'critical',
          resource: podRef,
          causeKey: `${name}:${exitCode ?? 'unknown'}`,
          summary: `container ${name} is crash-looping (exit code ${exitCode ?? 'unknown'}${last?.reason === undefined ? '' : `, ${last.reason}`})`,
          rootCause:
            `Container ${name} keeps exiting: ${exitCodeMeaning(exitCode, last?.reason)}.` +
            (lastMessage === '' ? '' : ` Its termination message: "${oneLine(lastMessage, 200)}".`) +
            (forbidden === undefined
              ? ''
              : ` The API denied service account ${forbidden.serviceAccount} "${forbidden.verb} ${forbidden.resource}".`) +
            logs.sentence,
          evidence,
          remediation:
            `Read the crash output with \`kubectl logs ${podRef.name} -n ${podRef.namespace} -c ${name} --previous\`, ` +
            'fix the command, configuration or dependency it reports, and roll out the fix.',
          suspects,
        });
      }
    }
    return drafts;
  },
};
