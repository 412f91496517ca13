import {
  applyNamespace,
  defaultPolicyConfig,
  evaluate,
  parsePolicyConfig,
  PolicyInputError,
  tokenize,
} from '@kubently/policy';
import type { PolicyConfig } from '@kubently/policy';
import type { PolicyMode } from '@kubently/protocol';

import { KubentlyError } from '../errors/kubently-error.js';

export type PolicyVerdict =
  | { readonly type: 'allowed'; readonly argv: string[] }
  | { readonly type: 'denied'; readonly argv: string[]; readonly reason: string };

/** Picks the policy of a cluster; the default follows the mode its executor reports (readOnly until then). */
export type PolicyResolver = (clusterId: string, reportedMode: PolicyMode | null) => PolicyConfig;

const byMode: Readonly<Record<PolicyMode, PolicyConfig>> = {
  readOnly: defaultPolicyConfig('readOnly'),
  extendedReadOnly: defaultPolicyConfig('extendedReadOnly'),
  // The executor's operator acknowledged full access in its own policy file; the executor stays the boundary.
  fullAccess: parsePolicyConfig({ mode: 'fullAccess', fullAccessAcknowledged: true }),
};

export const followReportedMode: PolicyResolver = (_clusterId, reportedMode) =>
  byMode[reportedMode ?? 'readOnly'];

/**
 * The server's fast pre-check (DESIGN §3): the executor evaluates again. Bad input (unbalanced
 * quotes, two different namespaces) is a 400; a command the policy refuses is a denied verdict.
 */
export const checkCommand = (
  input: {
    readonly args?: readonly string[] | undefined;
    readonly command?: string | undefined;
    readonly namespace?: string | undefined;
  },
  config: PolicyConfig,
): PolicyVerdict => {
  let argv: string[];
  try {
    const raw = input.args ?? tokenize(input.command ?? '');
    argv = applyNamespace(raw, input.namespace);
  } catch (error) {
    if (error instanceof PolicyInputError) {
      throw new KubentlyError('validation_failed', error.message, { cause: error });
    }
    throw error;
  }
  const decision = evaluate(argv, config);
  return decision.allowed
    ? { type: 'allowed', argv: decision.argv }
    : { type: 'denied', argv: decision.argv.length > 0 ? decision.argv : argv, reason: decision.reason };
};
