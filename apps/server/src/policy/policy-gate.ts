import { applyNamespace, defaultPolicyConfig, evaluate, PolicyInputError, tokenize } from '@kubently/policy';
import type { PolicyConfig } from '@kubently/policy';

import { KubentlyError } from '../errors/kubently-error.js';

export type PolicyVerdict =
  | { readonly type: 'allowed'; readonly argv: string[] }
  | { readonly type: 'denied'; readonly argv: string[]; readonly reason: string };

/**
 * Picks the policies a cluster's commands are pre-checked with, from those its executors reported
 * (see `policiesInForce`; empty when none did). A command passes only if every returned policy
 * allows it.
 */
export type PolicyResolver = (
  clusterId: string,
  reported: readonly PolicyConfig[],
) => readonly PolicyConfig[];

const readOnly = defaultPolicyConfig('readOnly');

/** The executors' own policies; readOnly until one has reported. */
export const followReportedPolicies: PolicyResolver = (_clusterId, reported) =>
  reported.length > 0 ? reported : [readOnly];

/**
 * The server's fast pre-check (DESIGN §3): the executor evaluates again and stays the boundary. A
 * command goes to whichever executor of the cluster is least loaded, so it passes only when every
 * policy allows it: the pre-check never lets through what one of them would refuse. Bad input
 * (unbalanced quotes, two different namespaces) is a 400; a refused command is a denied verdict.
 */
export const checkCommand = (
  input: {
    readonly args?: readonly string[] | undefined;
    readonly command?: string | undefined;
    readonly namespace?: string | undefined;
  },
  policies: readonly PolicyConfig[],
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
  let allowed: string[] | null = null;
  for (const policy of policies.length > 0 ? policies : [readOnly]) {
    const decision = evaluate(argv, policy);
    if (!decision.allowed) {
      return {
        type: 'denied',
        argv: decision.argv.length > 0 ? decision.argv : argv,
        reason: decision.reason,
      };
    }
    allowed ??= decision.argv;
  }
  return { type: 'allowed', argv: allowed ?? argv };
};
