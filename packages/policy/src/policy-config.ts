import {
  policyLongFlagSchema,
  policyModeSchema,
  policyResourceSchema,
  policyVerbSchema,
} from '@kubently/protocol';
import type { PolicyMode } from '@kubently/protocol';
import { z } from 'zod';

import { checkExtraFlag } from './check-extra-flag.js';
import { checkExtraVerb } from './check-extra-verb.js';
import { PolicyConfigError } from './policy-errors.js';

/** A validated, frozen per-cluster policy. Produced only by `parsePolicyConfig` / `defaultPolicyConfig`. */
export interface PolicyConfig {
  readonly mode: PolicyMode;
  readonly fullAccessAcknowledged: boolean;
  /** Verbs allowed in addition to the mode's own (must be verbs the policy knows the grammar of). */
  readonly extraVerbs: readonly string[];
  /** Long flags (`--name`) allowed for every verb in addition to the per-verb allowlist. */
  readonly extraFlags: readonly string[];
  /** Resources denied outright for every verb, in addition to the built-in Secret rules. */
  readonly restrictedResources: readonly string[];
}

/** Schema of the per-cluster policy file (JSON or YAML, parsed by the app). Unknown keys are errors. */
export const policyConfigSchema = z.strictObject({
  mode: policyModeSchema.default('readOnly'),
  fullAccessAcknowledged: z.boolean().default(false),
  extraVerbs: z.array(policyVerbSchema).max(64).default([]),
  extraFlags: z.array(policyLongFlagSchema).max(128).default([]),
  restrictedResources: z.array(policyResourceSchema).max(256).default([]),
});

export type PolicyConfigInput = z.input<typeof policyConfigSchema>;

function pathOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

/**
 * Validates a policy file. Fails closed: any unknown key, wrong type, unknown or never-grantable
 * extra verb, always-rejected extra flag, or `fullAccess` without `fullAccessAcknowledged: true`
 * throws a PolicyConfigError naming the field and the fix.
 */
export function parsePolicyConfig(input: unknown): PolicyConfig {
  const parsed = policyConfigSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined ? '(root)' : pathOf(issue.path);
    const keys =
      issue !== undefined && issue.code === 'unrecognized_keys' ? `: ${issue.keys.join(', ')}` : '';
    const message = issue === undefined ? 'invalid policy configuration' : issue.message;
    throw new PolicyConfigError(
      field,
      `invalid policy configuration at "${field}": ${message}${keys}. Fix the policy file; allowed keys are mode, fullAccessAcknowledged, extraVerbs, extraFlags, restrictedResources`,
    );
  }
  const value = parsed.data;
  if (value.mode === 'fullAccess' && !value.fullAccessAcknowledged) {
    throw new PolicyConfigError(
      'fullAccessAcknowledged',
      'mode "fullAccess" lets callers change the cluster: set fullAccessAcknowledged: true to take responsibility, or use mode "readOnly"',
    );
  }
  value.extraVerbs.forEach((verb, index) => {
    const problem = checkExtraVerb(verb);
    if (problem !== null) throw new PolicyConfigError(`extraVerbs.${index}`, problem);
  });
  value.extraFlags.forEach((flag, index) => {
    const problem = checkExtraFlag(flag);
    if (problem !== null) throw new PolicyConfigError(`extraFlags.${index}`, problem);
  });
  return Object.freeze({
    mode: value.mode,
    fullAccessAcknowledged: value.fullAccessAcknowledged,
    extraVerbs: Object.freeze([...value.extraVerbs]),
    extraFlags: Object.freeze(value.extraFlags.map((flag) => flag.replaceAll('_', '-'))),
    restrictedResources: Object.freeze(value.restrictedResources.map((name) => name.toLowerCase())),
  });
}

/** The built-in policy for a mode (readOnly by default). fullAccess cannot be defaulted into. */
export function defaultPolicyConfig(mode: PolicyMode = 'readOnly'): PolicyConfig {
  return parsePolicyConfig({ mode });
}
