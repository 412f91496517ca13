import type { FindingDraft, Suspect } from '../model/finding.js';
import { eventEvidence } from '../util/evidence.js';
import { parseMissingReference } from '../util/parse-container-config.js';
import { isTerminal } from '../util/pod-status.js';
import { refOf } from '../util/resource-ref.js';
import { oneLine } from '../util/text.js';
import type { Rule } from './rule.js';

const reasons = ['FailedMount', 'FailedAttachVolume', 'FailedCreatePodSandBox', 'FailedMapVolume'];

export const podVolumeFailureRule: Rule = {
  id: 'pod-volume-failure',
  title: 'Pod stuck in ContainerCreating: volume mount/attach or sandbox (CNI) failure',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const pod of context.snapshot.pods ?? []) {
      if (isTerminal(pod)) continue;
      const creating = [
        ...(pod.status?.containerStatuses ?? []),
        ...(pod.status?.initContainerStatuses ?? []),
      ].some(
        (status) =>
          status.state?.waiting?.reason === 'ContainerCreating' ||
          status.state?.waiting?.reason === 'PodInitializing',
      );
      const pending = pod.status?.phase === 'Pending' && pod.spec?.nodeName !== undefined;
      if (!creating && !pending) continue;
      const podRef = refOf('Pod', pod);
      const event = context.warnings(podRef, reasons)[0];
      if (event === undefined) continue;
      const missing = parseMissingReference(event.message);
      const suspects: Suspect[] =
        missing === undefined
          ? []
          : [
              {
                kind: missing.kind,
                namespace: podRef.namespace,
                name: missing.name,
                rules: ['missing-config-reference', 'missing-pvc', 'pvc-pending'],
              },
            ];
      const sandbox = event.reason === 'FailedCreatePodSandBox';
      drafts.push({
        rule: 'pod-volume-failure',
        severity: 'critical',
        resource: podRef,
        causeKey: `${event.reason}:${missing === undefined ? oneLine(event.message, 60) : `${missing.kind}/${missing.name}/${missing.key ?? ''}`}`,
        summary: `pod stuck creating: ${event.reason}${missing === undefined ? '' : ` (${missing.kind} ${missing.name}${missing.key === undefined ? '' : ` key ${missing.key}`} missing)`}`,
        rootCause: sandbox
          ? `The node cannot create the pod sandbox (network plugin/runtime): "${oneLine(event.message, 240)}".`
          : `A volume cannot be mounted: "${oneLine(event.message, 240)}".`,
        evidence: [eventEvidence(event)],
        remediation: sandbox
          ? "Check the CNI plugin pods and the node runtime on the pod's node (`kubectl get pods -n kube-system -o wide`)."
          : missing === undefined
            ? 'Fix the volume the message names (claim binding, attach limits, CSI driver pods).'
            : `Create ${missing.kind} ${missing.name}${missing.key === undefined ? '' : ` with key ${missing.key}`} in namespace ${podRef.namespace} or fix the volume reference.`,
        suspects,
      });
    }
    return drafts;
  },
};
