import type { FindingDraft } from '../model/finding.js';
import { fieldEvidence } from '../util/evidence.js';
import { refOf } from '../util/resource-ref.js';
import { oneLine } from '../util/text.js';
import { containerLogFacts } from './container-log-evidence.js';
import { exitCodeMeaning } from './exit-code-meaning.js';
import type { Rule } from './rule.js';

export const containerTerminatedErrorRule: Rule = {
  id: 'container-terminated-error',
  title:
    'Container terminated with a non-zero exit code and not restarted (Job and restartPolicy Never pods)',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const pod of context.snapshot.pods ?? []) {
      if (pod.status?.reason === 'Evicted') continue;
      // A container that restarts after a failure is a crash loop (container-crash-loop), not a final exit.
      if ((pod.spec?.restartPolicy ?? 'Always') !== 'Never') continue;
      const podRef = refOf('Pod', pod);
      for (const status of pod.status?.containerStatuses ?? []) {
        const terminated = status.state?.terminated;
        if (terminated === undefined || (terminated.exitCode ?? 0) === 0 || terminated.reason === 'OOMKilled')
          continue;
        const name = status.name ?? '';
        const message = terminated.message ?? '';
        const logs = containerLogFacts(context, podRef, name);
        drafts.push({
          rule: 'container-terminated-error',
          severity: 'warning',
          resource: podRef,
          causeKey: `${name}:${terminated.exitCode ?? ''}`,
          summary: `container ${name} exited with code ${terminated.exitCode ?? '?'} (${terminated.reason ?? 'Error'})`,
          rootCause: `Container ${name} terminated: ${exitCodeMeaning(terminated.exitCode, terminated.reason)}.${message === '' ? '' : ` Message: "${oneLine(message, 200)}".`}${logs.sentence}`,
          evidence: [
            fieldEvidence(
              podRef,
              `status.containerStatuses[${name}].state.terminated`,
              `exitCode=${terminated.exitCode ?? '?'} reason=${terminated.reason ?? '?'}`,
            ),
            ...logs.evidence,
          ],
          remediation: `Read \`kubectl logs ${podRef.name} -n ${podRef.namespace} -c ${name}\` and fix the failure it reports.`,
          ...(logs.suspects.length === 0 ? {} : { suspects: logs.suspects }),
        });
      }
    }
    return drafts;
  },
};
