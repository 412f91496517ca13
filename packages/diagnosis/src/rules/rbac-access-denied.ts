import type { DiagnosisContext } from '../engine/diagnosis-context.js';
import type { Evidence, FindingDraft, ResourceRef } from '../model/finding.js';
import type { PolicyRule, RoleBinding } from '../snapshot/kubernetes-types.js';
import { eventEvidence, fieldEvidence } from '../util/evidence.js';
import { ref, refOf } from '../util/resource-ref.js';
import type { ForbiddenAccess } from './forbidden-message.js';
import { parseForbidden } from './forbidden-message.js';
import type { Rule } from './rule.js';

const covers = (values: readonly string[] | undefined, wanted: string): boolean =>
  (values ?? []).some((value) => value === '*' || value === wanted);

const grants = (rule: PolicyRule, access: ForbiddenAccess): boolean =>
  covers(rule.verbs, access.verb) &&
  covers(rule.resources, access.resource) &&
  covers(rule.apiGroups, access.apiGroup);

/** The bindings naming the ServiceAccount, with the rules of the role each grants. */
const grantsOf = (
  context: DiagnosisContext,
  access: ForbiddenAccess,
): { binding: string; rules: readonly PolicyRule[] }[] => {
  const result: { binding: string; rules: readonly PolicyRule[] }[] = [];
  const consider = (kind: string, binding: RoleBinding): void => {
    const bindingNamespace = binding.metadata?.namespace ?? '';
    const names = (binding.subjects ?? []).some(
      (subject) =>
        subject.kind === 'ServiceAccount' &&
        subject.name === access.serviceAccount &&
        (subject.namespace ?? bindingNamespace) === access.namespace,
    );
    if (!names) return;
    const role =
      binding.roleRef?.kind === 'Role'
        ? context.get('Role', bindingNamespace, binding.roleRef.name ?? '')
        : context.get('ClusterRole', '', binding.roleRef?.name ?? '');
    result.push({
      binding: `${kind}/${binding.metadata?.name ?? ''} → ${binding.roleRef?.kind ?? ''}/${binding.roleRef?.name ?? ''}`,
      rules: role?.rules ?? [],
    });
  };
  for (const binding of context.snapshot.rolebindings ?? []) {
    if (access.scope === '' || binding.metadata?.namespace === access.scope) consider('RoleBinding', binding);
  }
  for (const binding of context.snapshot.clusterrolebindings ?? []) consider('ClusterRoleBinding', binding);
  return result;
};

export const rbacAccessDeniedRule: Rule = {
  id: 'rbac-access-denied',
  title:
    "A workload's ServiceAccount is denied an API call (from events and termination messages), with the bindings that fail to grant it",
  run: (context) => {
    const denials = new Map<string, { access: ForbiddenAccess; evidence: Evidence[]; pods: ResourceRef[] }>();
    const record = (access: ForbiddenAccess, evidence: Evidence, pod?: ResourceRef): void => {
      const key = `${access.namespace}/${access.serviceAccount}/${access.verb}/${access.apiGroup}/${access.resource}/${access.scope}`;
      const entry = denials.get(key) ?? { access, evidence: [], pods: [] };
      if (entry.evidence.length < 3) entry.evidence.push(evidence);
      if (pod !== undefined) entry.pods.push(pod);
      denials.set(key, entry);
    };
    for (const object of context.objectsWithEvents()) {
      for (const event of context.warnings(object)) {
        const access = parseForbidden(event.message);
        if (access !== undefined)
          record(access, eventEvidence(event), object.kind === 'Pod' ? object : undefined);
      }
    }
    for (const pod of context.snapshot.pods ?? []) {
      for (const status of pod.status?.containerStatuses ?? []) {
        const message = status.lastState?.terminated?.message ?? status.state?.terminated?.message ?? '';
        const access = parseForbidden(message);
        if (access === undefined) continue;
        const podRef = refOf('Pod', pod);
        record(
          access,
          fieldEvidence(
            podRef,
            `status.containerStatuses[${status.name ?? ''}].lastState.terminated.message`,
            message,
          ),
          podRef,
        );
      }
    }
    const drafts: FindingDraft[] = [];
    for (const { access, evidence, pods } of denials.values()) {
      const bindings = grantsOf(context, access);
      if (bindings.some((item) => item.rules.some((rule) => grants(rule, access)))) continue;
      const account = ref('ServiceAccount', access.namespace, access.serviceAccount);
      const group = access.apiGroup === '' ? 'core' : access.apiGroup;
      const where = access.scope === '' ? 'at cluster scope' : `in namespace ${access.scope}`;
      drafts.push({
        rule: 'rbac-access-denied',
        severity: 'critical',
        resource: account,
        causeKey: `${access.verb}:${group}/${access.resource}:${access.scope}`,
        summary: `ServiceAccount ${access.serviceAccount} may not ${access.verb} ${access.resource} ${where}`,
        rootCause:
          `The API server denies ${access.namespace}/${access.serviceAccount} "${access.verb}" on ${access.resource} (API group ${group}) ${where}. ` +
          (bindings.length === 0
            ? 'No RoleBinding or ClusterRoleBinding names this ServiceAccount.'
            : `Its bindings (${bindings.map((item) => item.binding).join('; ')}) grant no rule with that verb and resource.`),
        evidence: [
          ...evidence,
          fieldEvidence(
            account,
            'rbac',
            bindings.length === 0 ? 'no bindings' : bindings.map((item) => item.binding).join('; '),
            `kubectl auth can-i ${access.verb} ${access.resource} --as=system:serviceaccount:${access.namespace}:${access.serviceAccount}${access.scope === '' ? '' : ` -n ${access.scope}`}`,
          ),
        ],
        remediation: `Add a rule {apiGroups: ["${access.apiGroup}"], resources: ["${access.resource}"], verbs: ["${access.verb}"]} to a Role bound to ServiceAccount ${access.serviceAccount}${access.scope === '' ? ' (ClusterRole + ClusterRoleBinding for cluster scope)' : ` in namespace ${access.scope}`}.`,
        affected: pods,
        // A binding of this account to a Role that does not exist is the deeper cause: it owns the denial.
        suspects: [{ ...account, rules: ['rbac-binding-broken'] }],
      });
    }
    return drafts;
  },
};
