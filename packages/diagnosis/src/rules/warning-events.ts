import type { Evidence, FindingDraft, ResourceRef } from '../model/finding.js';
import { eventEvidence } from '../util/evidence.js';
import { ageSeconds } from '../util/pod-status.js';
import { refKey } from '../util/resource-ref.js';
import { listNames } from '../util/text.js';
import type { Rule } from './rule.js';

/** Reasons other rules read and explain; this rule reports everything else. */
export const explainedReasons: readonly string[] = [
  'FailedScheduling',
  'BackOff',
  'Unhealthy',
  'Failed',
  'FailedMount',
  'FailedAttachVolume',
  'FailedMapVolume',
  'FailedCreatePodSandBox',
  'FailedCreate',
  'ProvisioningFailed',
  'FailedBinding',
  'FailedGetResourceMetric',
  'FailedComputeMetricsReplicas',
  'FailedGetExternalMetric',
  'FailedGetPodsMetric',
  'SyncLoadBalancerFailed',
  'CreatingLoadBalancerFailed',
  'UpdateLoadBalancerFailed',
  'BackoffLimitExceeded',
  'DeadlineExceeded',
  'Evicted',
  'Killing',
  'ProgressDeadlineExceeded',
  'NodeNotReady',
  'ExceededGracePeriod',
];

/** Only warnings seen within this window count: older ones describe problems that may be gone. */
const recentSeconds = 3600;

export const warningEventsRule: Rule = {
  id: 'warning-events',
  title:
    'Recent Warning events no other rule explains, aggregated per object and its top owner (all of them, not only the newest)',
  run: (context) => {
    const groups = new Map<
      string,
      { owner: ResourceRef; reasons: Map<string, number>; evidence: Evidence[] }
    >();
    for (const object of context.objectsWithEvents()) {
      const events = context
        .warnings(object)
        .filter(
          (event) =>
            !explainedReasons.includes(event.reason) &&
            (ageSeconds(event.lastSeen, context.now) ?? 0) <= recentSeconds,
        );
      if (events.length === 0) continue;
      const kubeObject = context.lookup(object.kind, object.namespace, object.name);
      if (object.kind === 'Pod' && kubeObject === undefined && context.has('pods')) continue;
      const owner = kubeObject === undefined ? object : context.topOwner(object.kind, kubeObject);
      const key = refKey(owner);
      const group = groups.get(key) ?? { owner, reasons: new Map<string, number>(), evidence: [] };
      for (const event of events) {
        group.reasons.set(event.reason, (group.reasons.get(event.reason) ?? 0) + event.count);
        if (group.evidence.length < 5) group.evidence.push(eventEvidence(event));
      }
      groups.set(key, group);
    }
    return [...groups.values()].map(({ owner, reasons, evidence }): FindingDraft => {
      const list = [...reasons.entries()]
        .sort((left, right) => right[1] - left[1])
        .map(([reason, count]) => `${reason} ×${count}`);
      const names = [...reasons.keys()].sort();
      return {
        rule: 'warning-events',
        severity: 'warning',
        resource: owner,
        causeKey: names.join(','),
        summary: `Warning events: ${listNames(list, 4)}`,
        rootCause: `Recent Warning events on this object or the objects it owns: ${listNames(list, 6)}. The first messages are in the evidence.`,
        evidence,
        remediation: 'Read the event messages (evidence) and fix what they name.',
      };
    });
  },
};
