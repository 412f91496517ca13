import type { FindingDraft } from '../model/finding.js';
import type { RoleBinding } from '../snapshot/kubernetes-types.js';
import { absenceEvidence } from '../util/evidence.js';
import { kubectlList } from '../util/kubectl.js';
import { ref, refOf } from '../util/resource-ref.js';
import type { Rule } from './rule.js';

const bootstrapLabel = 'kubernetes.io/bootstrapping';

export const rbacBindingBrokenRule: Rule = {
  id: 'rbac-binding-broken',
  title:
    'RoleBinding/ClusterRoleBinding whose Role or ServiceAccount subject does not exist (grants nothing)',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    const bindings: [string, RoleBinding][] = [
      ...(context.snapshot.rolebindings ?? []).map((item): [string, RoleBinding] => ['RoleBinding', item]),
      ...(context.snapshot.clusterrolebindings ?? []).map((item): [string, RoleBinding] => [
        'ClusterRoleBinding',
        item,
      ]),
    ];
    for (const [kind, binding] of bindings) {
      const resource = refOf(kind, binding);
      const roleKind = binding.roleRef?.kind ?? '';
      const roleName = binding.roleRef?.name ?? '';
      const roleMissing =
        roleKind === 'Role'
          ? context.canJudgeMissing('roles', resource.namespace) &&
            context.get('Role', resource.namespace, roleName) === undefined
          : roleKind === 'ClusterRole' &&
            context.has('clusterroles') &&
            context.get('ClusterRole', '', roleName) === undefined;
      if (roleMissing) {
        drafts.push({
          rule: 'rbac-binding-broken',
          severity: 'warning',
          resource,
          causeKey: `role:${roleKind}/${roleName}`,
          summary: `binds ${roleKind} ${roleName}, which does not exist`,
          rootCause: `roleRef points at ${roleKind} ${roleName}, which does not exist, so its subjects (${(binding.subjects ?? []).map((item) => `${item.kind ?? ''}/${item.name ?? ''}`).join(', ')}) get no permissions from it.`,
          evidence: [
            absenceEvidence(
              ref(roleKind, roleKind === 'Role' ? resource.namespace : '', roleName),
              `${roleKind} ${roleName} not found`,
              kubectlList(roleKind.toLowerCase(), roleKind === 'Role' ? resource.namespace : ''),
            ),
          ],
          remediation: `Create ${roleKind} ${roleName} with the needed rules, or point the binding at an existing role (roleRef is immutable: recreate the binding).`,
          affected: (binding.subjects ?? [])
            .filter((item) => item.kind === 'ServiceAccount')
            .map((item) => ref('ServiceAccount', item.namespace ?? resource.namespace, item.name ?? '')),
        });
      }
      // Kubernetes' own default bindings name one ServiceAccount per controller; those accounts exist
      // only when kube-controller-manager runs with --use-service-account-credentials, so their
      // absence is a choice of the control plane, not a broken binding.
      if (binding.metadata?.labels?.[bootstrapLabel] === 'rbac-defaults') continue;
      for (const subject of binding.subjects ?? []) {
        if (subject.kind !== 'ServiceAccount') continue;
        const namespace = subject.namespace ?? resource.namespace;
        const name = subject.name ?? '';
        if (
          !context.canJudgeMissing('serviceaccounts', namespace) ||
          context.get('ServiceAccount', namespace, name) !== undefined
        )
          continue;
        drafts.push({
          rule: 'rbac-binding-broken',
          severity: 'info',
          resource,
          causeKey: `subject:${namespace}/${name}`,
          summary: `binds ServiceAccount ${namespace}/${name}, which does not exist`,
          rootCause: `The subject ServiceAccount ${name} in namespace ${namespace} does not exist; the binding is dead (or the workload uses a differently named account).`,
          evidence: [
            absenceEvidence(
              ref('ServiceAccount', namespace, name),
              `ServiceAccount ${name} not found`,
              kubectlList('serviceaccount', namespace),
            ),
          ],
          remediation:
            'Fix the subject name/namespace to the ServiceAccount the workload runs as, or delete the stale binding.',
          // A ClusterRoleBinding is cluster-scoped; the namespace of its subject is where it matters.
          affected: [ref('ServiceAccount', namespace, name)],
        });
      }
    }
    return drafts;
  },
};
