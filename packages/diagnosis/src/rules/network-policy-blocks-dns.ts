import type { FindingDraft, ResourceRef } from '../model/finding.js';
import type { NetworkPolicy, NetworkPolicyPort } from '../snapshot/kubernetes-types.js';
import { fieldEvidence } from '../util/evidence.js';
import { kubectlYaml } from '../util/kubectl.js';
import { formatSelector } from '../util/label-selector.js';
import { isTerminal } from '../util/pod-status.js';
import { refKey, refOf } from '../util/resource-ref.js';
import { listNames } from '../util/text.js';
import type { Rule } from './rule.js';
import { policiesSelecting, policyTypes } from './network-policy-selection.js';

const allowsDns = (ports: readonly NetworkPolicyPort[] | undefined): boolean =>
  ports === undefined ||
  ports.length === 0 ||
  ports.some(
    (port) =>
      (port.protocol ?? 'TCP') === 'UDP' &&
      (port.port === undefined ||
        port.port === 53 ||
        port.port === 'dns' ||
        (typeof port.port === 'number' &&
          port.endPort !== undefined &&
          port.port <= 53 &&
          port.endPort >= 53)),
  );

export const networkPolicyBlocksDnsRule: Rule = {
  id: 'network-policy-blocks-dns',
  title: 'NetworkPolicies isolate pods for egress without allowing DNS (UDP 53): every name lookup fails',
  run: (context) => {
    const policies = context.snapshot.networkpolicies ?? [];
    if (policies.length === 0) return [];
    const blocked = new Map<string, { policy: NetworkPolicy; workloads: Map<string, ResourceRef> }>();
    const checked = new Set<string>();
    for (const pod of context.snapshot.pods ?? []) {
      if (isTerminal(pod)) continue;
      const owner = context.topOwner('Pod', pod);
      const ownerKey = refKey(owner);
      if (checked.has(ownerKey)) continue;
      checked.add(ownerKey);
      const selecting = policiesSelecting(policies, pod).filter((policy) =>
        policyTypes(policy).includes('Egress'),
      );
      if (selecting.length === 0) continue;
      const rules = selecting.flatMap((policy) => policy.spec?.egress ?? []);
      if (rules.some((rule) => allowsDns(rule.ports))) continue;
      const policy = selecting[0];
      if (policy === undefined) continue;
      const key = `${policy.metadata?.namespace ?? ''}/${policy.metadata?.name ?? ''}`;
      const entry = blocked.get(key) ?? { policy, workloads: new Map<string, ResourceRef>() };
      entry.workloads.set(ownerKey, owner);
      blocked.set(key, entry);
    }
    return [...blocked.values()].map(({ policy, workloads }): FindingDraft => {
      const resource = refOf('NetworkPolicy', policy);
      const affected = [...workloads.values()];
      return {
        rule: 'network-policy-blocks-dns',
        severity: 'critical',
        resource,
        causeKey: 'dns',
        summary: `blocks DNS egress for ${listNames(affected.map((item) => `${item.kind.toLowerCase()}/${item.name}`))}`,
        rootCause: `Policy ${resource.name} isolates these pods for Egress and no egress rule allows UDP port 53, so DNS lookups time out ("i/o timeout", "Temporary failure in name resolution") and every outbound call by name fails.`,
        evidence: [
          fieldEvidence(
            resource,
            'spec',
            `podSelector=${formatSelector(policy.spec?.podSelector)} policyTypes=${policyTypes(policy).join(',')} egress rules=${(policy.spec?.egress ?? []).length}`,
            kubectlYaml(resource),
          ),
        ],
        remediation:
          'Add an egress rule to kube-system/kube-dns: `to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]`, ports UDP 53 and TCP 53.',
        affected,
      };
    });
  },
};
