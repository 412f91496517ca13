import type { FindingDraft, Suspect } from '../model/finding.js';
import { eventEvidence, fieldEvidence } from '../util/evidence.js';
import { parseMissingReference } from '../util/parse-container-config.js';
import { isTerminal } from '../util/pod-status.js';
import { refOf } from '../util/resource-ref.js';
import { oneLine } from '../util/text.js';
import type { Rule } from './rule.js';

const configReasons = [
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'PreStartHookError',
  'PostStartHookError',
];

export const containerConfigErrorRule: Rule = {
  id: 'container-config-error',
  title:
    'Container cannot be created: CreateContainerConfigError (missing ConfigMap/Secret/key), CreateContainerError, RunContainerError',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const pod of context.snapshot.pods ?? []) {
      if (isTerminal(pod)) continue;
      const podRef = refOf('Pod', pod);
      for (const status of [
        ...(pod.status?.initContainerStatuses ?? []),
        ...(pod.status?.containerStatuses ?? []),
      ]) {
        const waiting = status.state?.waiting;
        if (waiting?.reason === undefined || !configReasons.includes(waiting.reason)) continue;
        const name = status.name ?? '';
        const message = waiting.message ?? '';
        const missing = parseMissingReference(message);
        const suspects: Suspect[] =
          missing === undefined
            ? []
            : [
                {
                  kind: missing.kind,
                  namespace: podRef.namespace,
                  name: missing.name,
                  rules: ['missing-config-reference', 'missing-pvc'],
                },
              ];
        const what =
          missing === undefined
            ? oneLine(message, 240)
            : missing.key === undefined
              ? `${missing.kind} ${missing.name} does not exist`
              : `key ${missing.key} is missing from ${missing.kind} ${missing.name}`;
        drafts.push({
          rule: 'container-config-error',
          severity: 'critical',
          resource: podRef,
          causeKey: `${name}:${waiting.reason}:${missing === undefined ? oneLine(message, 80) : `${missing.kind}/${missing.name}/${missing.key ?? ''}`}`,
          summary: `container ${name} cannot start: ${waiting.reason}${what === '' ? '' : ` (${what})`}`,
          rootCause: `The kubelet cannot create container ${name}: ${what === '' ? waiting.reason : what}.`,
          evidence: [
            fieldEvidence(
              podRef,
              `status.containerStatuses[${name}].state.waiting`,
              `${waiting.reason}: ${message}`,
            ),
            ...context
              .warnings(podRef, ['Failed'])
              .slice(0, 1)
              .map((event) => eventEvidence(event)),
          ],
          remediation:
            missing === undefined
              ? 'Fix the container configuration the message names (command, mounts, security context) and roll out again.'
              : missing.key === undefined
                ? `Create ${missing.kind} ${missing.name} in namespace ${podRef.namespace}, or fix the name referenced by the pod spec.`
                : `Add key ${missing.key} to ${missing.kind} ${missing.name}, or fix the key referenced by the pod spec.`,
          suspects,
        });
      }
    }
    return drafts;
  },
};
