import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';

import { parsePolicyConfig, PolicyConfigError } from '@kubently/policy';
import type { PolicyConfig } from '@kubently/policy';
import { parse as parseYaml } from 'yaml';

import { KubentlyError } from '../executor-error.js';

/** What the environment adds to the file: KUBENTLY_POLICY_MODE and the fullAccess acknowledgement. */
export interface PolicyOverrides {
  readonly mode: string | undefined;
  readonly fullAccessAcknowledged: boolean;
}

/** The policy file as read: its content's hash (what the watcher compares) and the policy. */
export interface LoadedPolicy {
  readonly sha256: string;
  readonly policy: PolicyConfig;
}

export function hashPolicyText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Reads and validates the policy file; throws KubentlyError('validation_failed') naming the problem. */
export function readPolicyFile(file: string, overrides: PolicyOverrides): LoadedPolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new KubentlyError(
      'validation_failed',
      `KUBENTLY_POLICY_FILE: cannot read ${file}: ${String(cause)}`,
      {
        cause,
      },
    );
  }
  return { sha256: hashPolicyText(text), policy: parsePolicyText(file, text, overrides) };
}

/** Parses the file's text (JSON for *.json, else YAML) with the environment's overrides. */
export function parsePolicyText(file: string, text: string, overrides: PolicyOverrides): PolicyConfig {
  let document: unknown;
  try {
    document = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new KubentlyError(
      'validation_failed',
      `KUBENTLY_POLICY_FILE: ${file} is not valid JSON/YAML: ${String(cause)}`,
      { cause },
    );
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new KubentlyError(
      'validation_failed',
      `KUBENTLY_POLICY_FILE: ${file} must hold an object, e.g. {"mode":"readOnly"}`,
    );
  }
  return policyFrom(
    { ...(document as Record<string, unknown>) },
    `KUBENTLY_POLICY_FILE (${file})`,
    overrides,
  );
}

/** The policy of KUBENTLY_POLICY_MODE alone (no file). */
export function policyWithoutFile(overrides: PolicyOverrides): PolicyConfig {
  return policyFrom({}, 'KUBENTLY_POLICY_MODE', overrides);
}

function policyFrom(
  input: Record<string, unknown>,
  source: string,
  overrides: PolicyOverrides,
): PolicyConfig {
  if (overrides.mode !== undefined) input.mode = overrides.mode;
  if (overrides.fullAccessAcknowledged) input.fullAccessAcknowledged = true;
  try {
    return parsePolicyConfig(input);
  } catch (cause) {
    if (cause instanceof PolicyConfigError) {
      throw new KubentlyError('validation_failed', `${source}: ${cause.message}`, {
        cause,
        details: { field: cause.field },
      });
    }
    throw cause;
  }
}
