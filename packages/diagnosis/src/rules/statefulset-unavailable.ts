import type { FindingDraft } from '../model/finding.js';
import { absenceEvidence, fieldEvidence } from '../util/evidence.js';
import { kubectlList } from '../util/kubectl.js';
import { ref, refOf } from '../util/resource-ref.js';
import type { Rule } from './rule.js';
import { workloadSuspects } from './workload-suspects.js';

/** Pod findings (folded onto the StatefulSet) that a missing governing Service explains. */
const podSymptomRules = [
  'container-crash-loop',
  'container-probe-failing',
  'container-terminated-error',
  'container-restarting',
];

export const statefulSetUnavailableRule: Rule = {
  id: 'statefulset-unavailable',
  title:
    'StatefulSet below desired ready replicas, its governing Service missing, or a volumeClaimTemplate StorageClass missing',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const set of context.snapshot.statefulsets ?? []) {
      const resource = refOf('StatefulSet', set);
      const desired = set.spec?.replicas ?? 1;
      const ready = set.status?.readyReplicas ?? 0;
      const serviceName = set.spec?.serviceName;
      if (
        serviceName !== undefined &&
        serviceName !== '' &&
        context.canJudgeMissing('services', resource.namespace) &&
        context.get('Service', resource.namespace, serviceName) === undefined
      ) {
        // Without it the pods get no DNS names, so peers that find each other by name (replication,
        // clustering, leader election) fail: the missing Service owns the pods' failures.
        const pods = context.podsOf(resource).map((pod) => refOf('Pod', pod));
        drafts.push({
          rule: 'statefulset-unavailable',
          severity: desired > 0 ? 'critical' : 'info',
          resource,
          causeKey: `service:${serviceName}`,
          summary: `governing Service ${serviceName} does not exist`,
          rootCause: `spec.serviceName is "${serviceName}" but no such Service exists, so the pods get no stable DNS names (${resource.name}-0.${serviceName}) and peers that look each other up by name cannot connect.`,
          evidence: [
            fieldEvidence(resource, 'spec.serviceName', serviceName),
            absenceEvidence(
              ref('Service', resource.namespace, serviceName),
              `Service ${serviceName} not found`,
              kubectlList('service', resource.namespace),
            ),
          ],
          remediation: `Create the headless Service ${serviceName} (clusterIP: None) selecting the StatefulSet's pods.`,
          affected: pods,
          explains: [{ ...resource, rules: podSymptomRules }],
        });
      }
      for (const template of set.spec?.volumeClaimTemplates ?? []) {
        const storageClass = template.spec?.storageClassName;
        if (storageClass === undefined || storageClass === '' || !context.has('storageclasses')) continue;
        if (context.get('StorageClass', '', storageClass) !== undefined) continue;
        drafts.push({
          rule: 'statefulset-unavailable',
          severity: 'critical',
          resource,
          causeKey: `storageclass:${storageClass}`,
          summary: `volumeClaimTemplate ${template.metadata?.name ?? ''} uses StorageClass ${storageClass}, which does not exist`,
          rootCause: `Claims created from volumeClaimTemplate ${template.metadata?.name ?? ''} ask for StorageClass "${storageClass}", which is not defined, so they stay Pending and the pods cannot start.`,
          evidence: [
            absenceEvidence(
              ref('StorageClass', '', storageClass),
              `StorageClass ${storageClass} not found`,
              kubectlList('storageclass', ''),
            ),
          ],
          remediation: `Use an existing StorageClass (\`kubectl get storageclass\`) in the template; volumeClaimTemplates are immutable, so recreate the StatefulSet with --cascade=orphan.`,
        });
      }
      if (desired > 0 && ready < desired) {
        drafts.push({
          rule: 'statefulset-unavailable',
          severity: ready === 0 ? 'critical' : 'warning',
          resource,
          causeKey: 'unavailable',
          summary: `${ready}/${desired} replicas ready`,
          rootCause: `Only ${ready} of ${desired} replicas are ready; pods start in order, so one failing ordinal blocks the ones after it.`,
          evidence: [fieldEvidence(resource, 'status.readyReplicas', `${ready} (desired ${desired})`)],
          remediation: 'Fix the first failing ordinal pod (linked below).',
          // The set's own findings above (governing Service, StorageClass) explain it too.
          suspects: [
            ...workloadSuspects(context, resource),
            { ...resource, rules: ['statefulset-unavailable'] },
          ],
        });
      }
    }
    return drafts;
  },
};
