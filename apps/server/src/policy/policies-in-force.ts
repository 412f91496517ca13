import { defaultPolicyConfig, parsePolicyConfig } from '@kubently/policy';
import type { PolicyConfig } from '@kubently/policy';
import type { ExecutorCapabilities } from '@kubently/protocol';

import type { ExecutorPresence } from '../state/cluster-registry.js';

/**
 * The policy an executor enforces, as it reported it: its mode and its policy file's extras.
 * Throws PolicyConfigError (naming the field) for extras this server's policy rules refuse.
 * `fullAccess` needs no acknowledgement here: the executor's own policy file had to give it.
 */
export const policyOfCapabilities = (capabilities: ExecutorCapabilities): PolicyConfig =>
  parsePolicyConfig({
    mode: capabilities.mode,
    fullAccessAcknowledged: capabilities.mode === 'fullAccess',
    ...capabilities.policy,
  });

const readOnly = defaultPolicyConfig('readOnly');

/**
 * The policies the server pre-checks a cluster's commands with, from the executors' reports in the
 * state backend (so every replica agrees): those of the executors connected now that reported one;
 * when none of them has (between a reconnect and its report, or no executor connected while a
 * command waits for one), the most recent report. Empty when no executor ever reported. A stored
 * report that no longer parses counts as readOnly (fail closed).
 */
export const policiesInForce = (
  presence: readonly ExecutorPresence[],
  liveHere: ReadonlySet<string>,
): PolicyConfig[] => {
  const reported = presence.filter((entry) => entry.capabilities !== null);
  const live = reported.filter((entry) => entry.connected || liveHere.has(entry.executorId));
  // `presence` is most recently seen first.
  const chosen = live.length > 0 ? live : reported.slice(0, 1);
  return chosen.map((entry) => {
    if (entry.capabilities === null) return readOnly;
    try {
      return policyOfCapabilities(entry.capabilities);
    } catch {
      return readOnly;
    }
  });
};
