import type { FindingDraft } from '../model/finding.js';
import { fieldEvidence } from '../util/evidence.js';
import { ref, refOf } from '../util/resource-ref.js';
import { oneLine } from '../util/text.js';
import type { Rule } from './rule.js';

export const persistentVolumeUnhealthyRule: Rule = {
  id: 'persistent-volume-unhealthy',
  title: 'PersistentVolume Failed (reclaim failed) or Released (claim deleted, Retain policy holds the data)',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const volume of context.snapshot.pvs ?? []) {
      const phase = volume.status?.phase;
      if (phase !== 'Failed' && phase !== 'Released') continue;
      const resource = refOf('PersistentVolume', volume);
      const claim = volume.spec?.claimRef;
      drafts.push({
        rule: 'persistent-volume-unhealthy',
        severity: phase === 'Failed' ? 'warning' : 'info',
        resource,
        causeKey: phase,
        summary:
          phase === 'Failed'
            ? `volume reclaim failed: ${oneLine(volume.status?.message ?? '', 120)}`
            : `volume is Released (was ${claim?.namespace ?? ''}/${claim?.name ?? ''})`,
        rootCause:
          phase === 'Failed'
            ? `Automatic reclamation failed: "${oneLine(volume.status?.message ?? '', 200)}".`
            : `Its claim ${claim?.namespace ?? ''}/${claim?.name ?? ''} was deleted and the reclaim policy (${volume.spec?.persistentVolumeReclaimPolicy ?? 'Retain'}) keeps the volume; it cannot bind to a new claim until cleaned.`,
        evidence: [fieldEvidence(resource, 'status.phase', phase)],
        remediation:
          phase === 'Failed'
            ? 'Clean up the backing storage by hand and delete the PersistentVolume.'
            : 'Delete the PersistentVolume after saving its data, or clear spec.claimRef to make it Available again.',
        // A namespaced report shows the volume only to the namespace of the claim it belonged to.
        affected:
          claim?.namespace === undefined || claim.name === undefined
            ? []
            : [ref('PersistentVolumeClaim', claim.namespace, claim.name)],
      });
    }
    return drafts;
  },
};
