import type { FindingDraft } from '../model/finding.js';
import { fieldEvidence } from '../util/evidence.js';
import { kubectlList } from '../util/kubectl.js';
import { ref } from '../util/resource-ref.js';
import type { Rule } from './rule.js';

export const storageClassDefaultConflictRule: Rule = {
  id: 'storage-class-default-conflict',
  title: 'More than one default StorageClass (claims without a class get an arbitrary one)',
  run: (context) => {
    const defaults = (context.snapshot.storageclasses ?? []).filter(
      (item) => item.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true',
    );
    if (defaults.length < 2) return [];
    const names = defaults.map((item) => item.metadata?.name ?? '').sort();
    const resource = ref('StorageClass', '', names[0] ?? '');
    const drafts: FindingDraft[] = [
      {
        rule: 'storage-class-default-conflict',
        severity: 'warning',
        resource,
        causeKey: names.join(','),
        summary: `${names.length} StorageClasses are marked default: ${names.join(', ')}`,
        rootCause:
          'With several defaults, new claims without storageClassName get the most recently created default, which may not be the intended storage.',
        evidence: [
          fieldEvidence(
            resource,
            "metadata.annotations['storageclass.kubernetes.io/is-default-class']",
            names.join(', '),
            kubectlList('storageclass', ''),
          ),
        ],
        remediation: 'Keep the default annotation on exactly one StorageClass.',
      },
    ];
    return drafts;
  },
};
