import type { FindingDraft, ResourceRef } from '../model/finding.js';
import { absenceEvidence } from '../util/evidence.js';
import { kubectlField, kubectlList } from '../util/kubectl.js';
import { ref } from '../util/resource-ref.js';
import { listNames } from '../util/text.js';
import type { Rule } from './rule.js';
import { templateImpact } from './template-impact.js';
import { configReferences } from './template-references.js';

interface Missing {
  readonly object: ResourceRef;
  readonly key?: string;
  readonly users: ResourceRef[];
  readonly paths: string[];
}

export const missingConfigReferenceRule: Rule = {
  id: 'missing-config-reference',
  title:
    'Pod template references a ConfigMap, Secret or key that does not exist (found before the kubelet complains)',
  run: (context) => {
    const missing = new Map<string, Missing>();
    for (const { workload, template } of context.workloadTemplates()) {
      const namespace = workload.namespace;
      for (const reference of configReferences(template.spec)) {
        if (reference.optional) continue;
        const collected = reference.kind === 'ConfigMap' ? context.has('configmaps') : context.has('secrets');
        if (!collected || !context.sees(namespace)) continue;
        const found =
          reference.kind === 'ConfigMap'
            ? context.configMap(namespace, reference.name)
            : context.secret(namespace, reference.name);
        if (found !== undefined && (reference.key === undefined || found.keys.includes(reference.key)))
          continue;
        const key = found === undefined ? undefined : reference.key;
        const id = `${reference.kind}/${namespace}/${reference.name}/${key ?? ''}`;
        let entry = missing.get(id);
        if (entry === undefined) {
          entry = {
            object: ref(reference.kind, namespace, reference.name),
            ...(key === undefined ? {} : { key }),
            users: [],
            paths: [],
          };
          missing.set(id, entry);
        }
        if (!entry.users.some((user) => user.kind === workload.kind && user.name === workload.name))
          entry.users.push(workload);
        entry.paths.push(`${workload.kind.toLowerCase()}/${workload.name}: ${reference.path}`);
      }
    }
    return [...missing.values()].map((entry): FindingDraft => {
      const users = listNames(entry.users.map((user) => `${user.kind.toLowerCase()}/${user.name}`));
      const kindLower = entry.object.kind.toLowerCase();
      return entry.key === undefined
        ? {
            rule: 'missing-config-reference',
            severity: templateImpact(context, entry.users),
            resource: entry.object,
            causeKey: 'missing',
            summary: `${entry.object.kind} ${entry.object.name} does not exist but ${users} need it`,
            rootCause: `${users} reference ${entry.object.kind} ${entry.object.name} (${listNames(entry.paths, 3)}) without optional: true; it does not exist in namespace ${entry.object.namespace}, so their containers cannot start (CreateContainerConfigError or FailedMount).`,
            evidence: [
              absenceEvidence(
                entry.object,
                `${entry.object.kind} ${entry.object.name} not found in namespace ${entry.object.namespace}`,
                kubectlList(kindLower, entry.object.namespace),
              ),
            ],
            remediation: `Create ${entry.object.kind} ${entry.object.name} in namespace ${entry.object.namespace} (or fix the name in the pod template, or mark the reference optional).`,
            affected: entry.users,
          }
        : {
            rule: 'missing-config-reference',
            severity: templateImpact(context, entry.users),
            resource: entry.object,
            causeKey: `key:${entry.key}`,
            summary: `${entry.object.kind} ${entry.object.name} has no key ${entry.key}, which ${users} need`,
            rootCause: `${users} read key "${entry.key}" of ${entry.object.kind} ${entry.object.name} (${listNames(entry.paths, 3)}), but the ${kindLower} has no such key, so the containers cannot start.`,
            evidence: [
              absenceEvidence(
                entry.object,
                `key ${entry.key} not among the ${kindLower}'s keys`,
                kubectlField(entry.object, entry.object.kind === 'Secret' ? 'data' : 'data'),
              ),
            ],
            remediation: `Add key ${entry.key} to ${entry.object.kind} ${entry.object.name}, or fix the key name in the pod template.`,
            affected: entry.users,
          };
    });
  },
};
