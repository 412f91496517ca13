import type { FindingDraft, ResourceRef } from '../model/finding.js';
import { absenceEvidence } from '../util/evidence.js';
import { kubectlList } from '../util/kubectl.js';
import { ref } from '../util/resource-ref.js';
import { listNames } from '../util/text.js';
import type { Rule } from './rule.js';
import { templateImpact } from './template-impact.js';

export const missingPvcRule: Rule = {
  id: 'missing-pvc',
  title: 'Pod template mounts a PersistentVolumeClaim that does not exist',
  run: (context) => {
    if (!context.has('pvcs')) return [];
    const missing = new Map<string, { claim: ResourceRef; users: ResourceRef[] }>();
    for (const { workload, template } of context.workloadTemplates()) {
      if (!context.sees(workload.namespace)) continue;
      for (const volume of template.spec?.volumes ?? []) {
        const claim = volume.persistentVolumeClaim?.claimName;
        if (
          claim === undefined ||
          context.get('PersistentVolumeClaim', workload.namespace, claim) !== undefined
        )
          continue;
        const key = `${workload.namespace}/${claim}`;
        const entry = missing.get(key) ?? {
          claim: ref('PersistentVolumeClaim', workload.namespace, claim),
          users: [],
        };
        entry.users.push(workload);
        missing.set(key, entry);
      }
    }
    return [...missing.values()].map(({ claim, users }): FindingDraft => ({
      rule: 'missing-pvc',
      severity: templateImpact(context, users),
      resource: claim,
      causeKey: 'missing',
      summary: `PersistentVolumeClaim ${claim.name} does not exist but ${listNames(users.map((user) => `${user.kind.toLowerCase()}/${user.name}`))} mount it`,
      rootCause: `The pod template mounts claim "${claim.name}", which does not exist in namespace ${claim.namespace}; the pods stay Pending.`,
      evidence: [
        absenceEvidence(
          claim,
          `PersistentVolumeClaim ${claim.name} not found`,
          kubectlList('pvc', claim.namespace),
        ),
      ],
      remediation: `Create PersistentVolumeClaim ${claim.name} or fix claimName in the pod template.`,
      affected: users,
    }));
  },
};
