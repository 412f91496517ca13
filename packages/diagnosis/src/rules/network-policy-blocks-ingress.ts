import type { FindingDraft, ResourceRef } from '../model/finding.js';
import type { NetworkPolicy, NetworkPolicyPeer, Pod } from '../snapshot/kubernetes-types.js';
import { fieldEvidence } from '../util/evidence.js';
import { kubectlYaml } from '../util/kubectl.js';
import { formatSelector, matchesSelector } from '../util/label-selector.js';
import { isTerminal } from '../util/pod-status.js';
import { refOf } from '../util/resource-ref.js';
import { listNames } from '../util/text.js';
import type { Rule } from './rule.js';
import { policiesSelecting, policyTypes } from './network-policy-selection.js';

const peerCanMatch = (peer: NetworkPolicyPeer, pods: readonly Pod[]): boolean =>
  peer.namespaceSelector !== undefined ||
  peer.ipBlock !== undefined ||
  pods.some((pod) => matchesSelector(peer.podSelector ?? {}, pod.metadata?.labels));

export const networkPolicyBlocksIngressRule: Rule = {
  id: 'network-policy-blocks-ingress',
  title:
    "NetworkPolicies isolate a Service's pods for ingress and allow no client (default deny, or allow-rules whose peers match no pod)",
  run: (context) => {
    const policies = context.snapshot.networkpolicies ?? [];
    if (policies.length === 0) return [];
    const blocked = new Map<
      string,
      { policy: NetworkPolicy; services: ResourceRef[]; kind: 'deny-all' | 'no-peer'; peers: string[] }
    >();
    for (const service of context.snapshot.services ?? []) {
      const pod = context
        .podsSelectedBy(service.metadata?.namespace ?? '', service.spec?.selector)
        .find((candidate) => !isTerminal(candidate));
      if (pod === undefined) continue;
      const selecting = policiesSelecting(policies, pod).filter((policy) =>
        policyTypes(policy).includes('Ingress'),
      );
      if (selecting.length === 0) continue;
      const rules = selecting.flatMap((policy) => policy.spec?.ingress ?? []);
      const namespacePods = context.pods(pod.metadata?.namespace ?? '');
      const allowed = rules.some(
        (rule) =>
          rule.from === undefined ||
          rule.from.length === 0 ||
          rule.from.some((peer) => peerCanMatch(peer, namespacePods)),
      );
      if (allowed) continue;
      const policy = selecting[0];
      if (policy === undefined) continue;
      const key = `${policy.metadata?.namespace ?? ''}/${policy.metadata?.name ?? ''}`;
      const entry = blocked.get(key) ?? {
        policy,
        services: [],
        kind: rules.length === 0 ? 'deny-all' : 'no-peer',
        peers: rules.flatMap((rule) => (rule.from ?? []).map((peer) => formatSelector(peer.podSelector))),
      };
      entry.services.push(refOf('Service', service));
      blocked.set(key, entry);
    }
    return [...blocked.values()].map(({ policy, services, kind, peers }): FindingDraft => {
      const resource = refOf('NetworkPolicy', policy);
      const names = listNames(services.map((item) => item.name));
      return {
        rule: 'network-policy-blocks-ingress',
        severity: 'critical',
        resource,
        causeKey: kind,
        summary:
          kind === 'deny-all'
            ? `denies all ingress to the pods behind Service ${names}`
            : `allows ingress only from pods labeled ${listNames(peers, 3)}, and no such pod exists (Service ${names})`,
        rootCause:
          kind === 'deny-all'
            ? `Policy ${resource.name} selects the pods of Service ${names} for Ingress and no policy has an ingress rule for them, so every connection is dropped (clients time out; the Service has endpoints).`
            : `The only ingress rules for the pods of Service ${names} allow peers labeled ${listNames(peers, 3)}, but no pod in namespace ${resource.namespace} carries those labels; all traffic is dropped.`,
        evidence: [
          fieldEvidence(
            resource,
            'spec',
            `podSelector=${formatSelector(policy.spec?.podSelector)} policyTypes=${policyTypes(policy).join(',')} ingress rules=${(policy.spec?.ingress ?? []).length}`,
            kubectlYaml(resource),
          ),
        ],
        remediation:
          'Add a NetworkPolicy that allows ingress to these pods from their real clients (podSelector/namespaceSelector of the callers, and the ingress controller namespace).',
        affected: services,
      };
    });
  },
};
