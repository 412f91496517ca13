import type { DiagnosisContext } from './diagnosis-context.js';
import type { FindingDraft, ResourceRef, Suspect } from '../model/finding.js';
import { refKey } from '../util/resource-ref.js';

const maxEvidencePods = 3;

/**
 * Folds per-pod drafts of one rule and cause into one finding on the pods' top owner, so a
 * Deployment with 50 crash-looping replicas is one finding (naming the pods), not 50.
 */
export const mergePodFindings = (
  drafts: readonly FindingDraft[],
  context: DiagnosisContext,
): FindingDraft[] => {
  const merged = new Map<
    string,
    {
      draft: FindingDraft;
      pods: ResourceRef[];
      evidence: FindingDraft['evidence'][number][];
      suspects: Map<string, Suspect>;
      affected: Map<string, ResourceRef>;
    }
  >();
  const result: FindingDraft[] = [];
  for (const draft of drafts) {
    if (draft.resource.kind !== 'Pod') {
      result.push(draft);
      continue;
    }
    const pod = context.get('Pod', draft.resource.namespace, draft.resource.name);
    const owner = pod === undefined ? draft.resource : context.topOwner('Pod', pod);
    if (owner.kind === 'Pod') {
      result.push(draft);
      continue;
    }
    const key = `${draft.rule}\u0000${refKey(owner)}\u0000${draft.causeKey}`;
    let group = merged.get(key);
    if (group === undefined) {
      group = {
        draft: { ...draft, resource: owner },
        pods: [],
        evidence: [],
        suspects: new Map(),
        affected: new Map(),
      };
      merged.set(key, group);
    }
    group.pods.push(draft.resource);
    if (group.pods.length <= maxEvidencePods) {
      // Replicas can quote the same evidence (one log read stands for every replica): keep it once.
      for (const item of draft.evidence)
        if (!group.evidence.some((kept) => JSON.stringify(kept) === JSON.stringify(item)))
          group.evidence.push(item);
    }
    for (const suspect of draft.suspects ?? [])
      group.suspects.set(`${refKey(suspect)}\u0000${(suspect.rules ?? []).join(',')}`, suspect);
    for (const item of draft.affected ?? []) group.affected.set(refKey(item), item);
  }
  for (const group of merged.values()) {
    const count = group.pods.length;
    result.push({
      ...group.draft,
      summary:
        count === 1
          ? `${group.draft.summary} (pod ${group.pods[0]?.name ?? ''})`
          : `${group.draft.summary} (${count} pods)`,
      evidence: group.evidence,
      affected: [...group.pods, ...group.affected.values()],
      suspects: [...group.suspects.values()],
    });
  }
  return result;
};
