import type { NetworkPolicy, Pod } from '../snapshot/kubernetes-types.js';
import { matchesSelector } from '../util/label-selector.js';

/** policyTypes as the API server defaults them: Ingress always, Egress when egress rules exist. */
export const policyTypes = (policy: NetworkPolicy): readonly string[] =>
  policy.spec?.policyTypes ?? (policy.spec?.egress === undefined ? ['Ingress'] : ['Ingress', 'Egress']);

export const policiesSelecting = (policies: readonly NetworkPolicy[], pod: Pod): NetworkPolicy[] =>
  policies.filter(
    (policy) =>
      policy.metadata?.namespace === pod.metadata?.namespace &&
      matchesSelector(policy.spec?.podSelector ?? {}, pod.metadata?.labels),
  );
