import type { FindingDraft } from '../model/finding.js';
import { fieldEvidence } from '../util/evidence.js';
import { condition } from '../util/pod-status.js';
import { refOf } from '../util/resource-ref.js';
import { oneLine } from '../util/text.js';
import type { Rule } from './rule.js';
import { workloadSuspects } from './workload-suspects.js';

export const deploymentUnavailableRule: Rule = {
  id: 'deployment-unavailable',
  title:
    'Deployment below its desired available replicas, stuck rollout (ProgressDeadlineExceeded) or paused rollout',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const deployment of context.snapshot.deployments ?? []) {
      const desired = deployment.spec?.replicas ?? 1;
      if (desired === 0) continue;
      const resource = refOf('Deployment', deployment);
      const status = deployment.status ?? {};
      const available = status.availableReplicas ?? 0;
      const ready = status.readyReplicas ?? 0;
      const updated = status.updatedReplicas ?? 0;
      const progressing = condition(status.conditions, 'Progressing');
      const stuck = progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded';
      const paused = deployment.spec?.paused === true && (updated < desired || available < desired);
      if (!stuck && !paused && available >= desired) continue;
      const counts = `${ready}/${desired} ready, ${available} available, ${updated} updated`;
      const evidence = [
        fieldEvidence(
          resource,
          'status',
          counts,
          `kubectl rollout status deployment/${resource.name} -n ${resource.namespace}`,
        ),
        ...(progressing === undefined
          ? []
          : [
              fieldEvidence(
                resource,
                'status.conditions[Progressing]',
                `${progressing.status ?? ''} ${progressing.reason ?? ''}: ${progressing.message ?? ''}`,
              ),
            ]),
      ];
      const suspects = workloadSuspects(context, resource);
      if (stuck) {
        drafts.push({
          rule: 'deployment-unavailable',
          severity: available === 0 ? 'critical' : 'warning',
          resource,
          causeKey: 'progress-deadline',
          summary: `rollout is stuck: ProgressDeadlineExceeded (${counts})`,
          rootCause: `The rollout made no progress for ${deployment.spec?.progressDeadlineSeconds ?? 600}s: "${oneLine(progressing.message ?? '', 200)}". The new pods never became available.`,
          evidence,
          remediation: `Fix why the new pods fail (see the linked causes), or roll back with \`kubectl rollout undo deployment/${resource.name} -n ${resource.namespace}\`.`,
          suspects,
        });
      } else if (paused) {
        drafts.push({
          rule: 'deployment-unavailable',
          severity: 'warning',
          resource,
          causeKey: 'paused',
          summary: `rollout is paused with ${updated}/${desired} replicas updated`,
          rootCause:
            'spec.paused is true, so the controller does not roll out the current template; old and new replicas stay mixed.',
          evidence: [fieldEvidence(resource, 'spec.paused', 'true'), ...evidence],
          remediation: `Resume it with \`kubectl rollout resume deployment/${resource.name} -n ${resource.namespace}\` once the change is verified.`,
          suspects,
        });
      } else {
        drafts.push({
          rule: 'deployment-unavailable',
          severity: available === 0 ? 'critical' : 'warning',
          resource,
          causeKey: 'unavailable',
          summary: `${available}/${desired} replicas available`,
          rootCause: `Only ${available} of ${desired} desired replicas are available (${counts}).`,
          evidence,
          remediation:
            'Fix the cause on its pods or ReplicaSet (linked below); the Deployment recovers by itself.',
          suspects,
        });
      }
    }
    return drafts;
  },
};
