import { evaluate } from './evaluate.js';
import { defaultPolicyConfig } from './policy-config.js';
import { PolicyInputError } from './policy-errors.js';

/**
 * Adds `--namespace=<ns>` to `args` when a namespace is given and the command names none and is not
 * `-A`. The same namespace already present leaves args unchanged; a different one throws.
 */
export function applyNamespace(args: readonly string[], namespace: string | undefined): string[] {
  const copy = [...args];
  if (namespace === undefined || namespace === '') return copy;
  const decision = evaluate(copy, defaultPolicyConfig('readOnly'));
  if (decision.allNamespaces) return copy;
  if (decision.namespace !== null) {
    if (decision.namespace === namespace) return copy;
    throw new PolicyInputError(
      `the command names namespace "${decision.namespace}" but the request names "${namespace}": drop one of them`,
    );
  }
  return [...copy, `--namespace=${namespace}`];
}
