import type { DiagnosisContext } from '../engine/diagnosis-context.js';
import type { FindingDraft, Severity } from '../model/finding.js';
import type { StorageClass, Volume } from '../snapshot/kubernetes-types.js';
import { absenceEvidence, eventEvidence, fieldEvidence } from '../util/evidence.js';
import { kubectlList } from '../util/kubectl.js';
import { ageSeconds } from '../util/pod-status.js';
import { ref, refOf } from '../util/resource-ref.js';
import { oneLine } from '../util/text.js';
import type { Rule } from './rule.js';

const defaultAnnotation = 'storageclass.kubernetes.io/is-default-class';

/**
 * A claim is ranked by what it breaks: `critical` when a pod or a pod template mounts it (those pods
 * cannot start), `warning` when nothing does yet.
 */
const impactOf = (context: DiagnosisContext, namespace: string, name: string): Severity => {
  const mounts = (volumes: readonly Volume[] | undefined): boolean =>
    (volumes ?? []).some((volume) => volume.persistentVolumeClaim?.claimName === name);
  const used =
    (context.snapshot.pods ?? []).some(
      (pod) => pod.metadata?.namespace === namespace && mounts(pod.spec?.volumes),
    ) ||
    context
      .workloadTemplates()
      .some(({ workload, template }) => workload.namespace === namespace && mounts(template.spec?.volumes));
  return used ? 'critical' : 'warning';
};

export const pvcPendingRule: Rule = {
  id: 'pvc-pending',
  title:
    'PersistentVolumeClaim Pending: StorageClass missing, no default class, provisioning failed; or Lost',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    const classes = context.snapshot.storageclasses;
    for (const claim of context.snapshot.pvcs ?? []) {
      const resource = refOf('PersistentVolumeClaim', claim);
      const phase = claim.status?.phase;
      const severity = impactOf(context, resource.namespace, resource.name);
      if (phase === 'Lost') {
        drafts.push({
          rule: 'pvc-pending',
          severity,
          resource,
          causeKey: 'lost',
          summary: `claim is Lost (volume ${claim.spec?.volumeName ?? '?'} is gone)`,
          rootCause: `The PersistentVolume ${claim.spec?.volumeName ?? ''} bound to this claim no longer exists; pods using it cannot start.`,
          evidence: [fieldEvidence(resource, 'status.phase', 'Lost')],
          remediation:
            'Restore the PersistentVolume from backup or recreate the claim (data on the lost volume is gone).',
        });
        continue;
      }
      if (phase !== 'Pending') continue;
      const provisioning = context.warnings(resource, ['ProvisioningFailed', 'FailedBinding'])[0];
      const className = claim.spec?.storageClassName ?? undefined;
      const waiting = context.events(resource).some((event) => event.reason === 'WaitForFirstConsumer');
      const byName =
        className === undefined || className === ''
          ? undefined
          : classes?.find((item) => item.metadata?.name === className);
      const defaults = (classes ?? []).filter(
        (item: StorageClass) => item.metadata?.annotations?.[defaultAnnotation] === 'true',
      );
      if (className !== undefined && className !== '' && classes !== undefined && byName === undefined) {
        drafts.push({
          rule: 'pvc-pending',
          severity,
          resource,
          causeKey: `missing-class:${className}`,
          summary: `StorageClass ${className} does not exist`,
          rootCause: `The claim asks for StorageClass "${className}", which is not defined (available: ${classes.map((item) => item.metadata?.name ?? '').join(', ') || 'none'}); nothing will provision it.`,
          evidence: [
            fieldEvidence(resource, 'spec.storageClassName', className),
            absenceEvidence(
              ref('StorageClass', '', className),
              `StorageClass ${className} not found`,
              kubectlList('storageclass', ''),
            ),
            ...(provisioning === undefined ? [] : [eventEvidence(provisioning)]),
          ],
          remediation:
            'Use an existing StorageClass (storageClassName is immutable: recreate the claim) or create the missing class.',
        });
        continue;
      }
      if (
        className === undefined &&
        classes !== undefined &&
        defaults.length === 0 &&
        claim.spec?.volumeName === undefined
      ) {
        drafts.push({
          rule: 'pvc-pending',
          severity,
          resource,
          causeKey: 'no-default-class',
          summary: 'no storageClassName and no default StorageClass',
          rootCause:
            'The claim names no StorageClass and the cluster has no default one, so it waits for a manually created matching PersistentVolume.',
          evidence: [
            fieldEvidence(resource, 'spec.storageClassName', '<unset>'),
            absenceEvidence(
              ref('StorageClass', '', '(default)'),
              'no StorageClass is annotated as default',
              kubectlList('storageclass', ''),
            ),
          ],
          remediation:
            'Set spec.storageClassName, or mark a StorageClass default with the storageclass.kubernetes.io/is-default-class annotation.',
        });
        continue;
      }
      if (waiting && provisioning === undefined) continue;
      const age = ageSeconds(claim.metadata?.creationTimestamp, context.now) ?? 0;
      if (provisioning === undefined && age < 300) continue;
      drafts.push({
        rule: 'pvc-pending',
        severity,
        resource,
        causeKey: provisioning === undefined ? 'pending' : 'provisioning-failed',
        summary:
          provisioning === undefined
            ? 'claim is Pending'
            : `provisioning failed: ${oneLine(provisioning.message, 120)}`,
        rootCause:
          provisioning === undefined
            ? 'The claim is not bound and no provisioner reported progress: no PersistentVolume matches (size, access mode, selector) and no provisioner handles its class.'
            : `The provisioner of StorageClass ${className ?? '(default)'} fails: "${oneLine(provisioning.message, 240)}".`,
        evidence: [
          fieldEvidence(resource, 'status.phase', 'Pending'),
          ...(provisioning === undefined ? [] : [eventEvidence(provisioning)]),
        ],
        remediation:
          'Fix the provisioner (CSI driver pods, cloud quota, parameters) or create a PersistentVolume that matches the claim.',
      });
    }
    return drafts;
  },
};
