import type { FindingDraft } from '../model/finding.js';
import { fieldEvidence } from '../util/evidence.js';
import { isTerminal } from '../util/pod-status.js';
import { refOf } from '../util/resource-ref.js';
import { oneLine } from '../util/text.js';
import { containerLogFacts } from './container-log-evidence.js';
import { exitCodeMeaning } from './exit-code-meaning.js';
import type { Rule } from './rule.js';

export const initContainerFailureRule: Rule = {
  id: 'init-container-failure',
  title: 'Init container failing (non-zero exit or crash loop), so the app containers never start',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const pod of context.snapshot.pods ?? []) {
      if (isTerminal(pod) && pod.status?.phase !== 'Failed') continue;
      const podRef = refOf('Pod', pod);
      for (const status of pod.status?.initContainerStatuses ?? []) {
        const looping = status.state?.waiting?.reason === 'CrashLoopBackOff';
        const terminated = status.state?.terminated ?? (looping ? status.lastState?.terminated : undefined);
        if (terminated === undefined || (terminated.exitCode ?? 0) === 0) continue;
        if (terminated.reason === 'OOMKilled') continue;
        const name = status.name ?? '';
        const message = terminated.message ?? '';
        const logs = containerLogFacts(context, podRef, name);
        drafts.push({
          rule: 'init-container-failure',
          severity: 'critical',
          resource: podRef,
          causeKey: `${name}:${terminated.exitCode ?? ''}`,
          summary: `init container ${name} fails with exit code ${terminated.exitCode ?? '?'}; the pod stays in Init`,
          rootCause:
            `Init container ${name} exits with code ${terminated.exitCode ?? '?'}: ${exitCodeMeaning(terminated.exitCode, terminated.reason)}. ` +
            'App containers start only after every init container succeeds.' +
            (message === '' ? '' : ` Message: "${oneLine(message, 200)}".`) +
            logs.sentence,
          evidence: [
            fieldEvidence(
              podRef,
              `status.initContainerStatuses[${name}].${status.state?.terminated === undefined ? 'lastState' : 'state'}.terminated`,
              `exitCode=${terminated.exitCode ?? '?'} reason=${terminated.reason ?? '?'}`,
            ),
            fieldEvidence(
              podRef,
              `status.initContainerStatuses[${name}].restartCount`,
              String(status.restartCount ?? 0),
            ),
            ...logs.evidence,
          ],
          remediation: `Read \`kubectl logs ${podRef.name} -n ${podRef.namespace} -c ${name}${looping ? ' --previous' : ''}\`; fix what the init step waits for or runs (a dependency it polls, a migration, a permission).`,
          ...(logs.suspects.length === 0 ? {} : { suspects: logs.suspects }),
        });
      }
    }
    return drafts;
  },
};
