import type { PolicyConfig } from '@kubently/policy';
import type { ExecutorCapabilities } from '@kubently/protocol';

import type { PolicyFileSource } from '../config.js';
import { describeError } from '../link/server-client.js';
import type { Logger } from '../logger.js';
import type { HealthChecks } from '../observability/health-server.js';
import { PolicyWatcher } from './policy-watcher.js';

/** The executor's policy: fixed (KUBENTLY_POLICY_MODE alone) or its file, reloaded at runtime. */
export interface PolicyInForce {
  current(): PolicyConfig;
  /**
   * The /readyz check of the policy file (none without one): not ready while the file's content
   * is invalid and the last valid policy stays in force.
   */
  checks(): HealthChecks;
  /** Starts polling the file (apart from creation, so a failed start leaves nothing running). */
  start(): void;
  stop(): Promise<void>;
}

/**
 * The policy in force, watching the policy file (once `start` is called) if there is one. `onReload` re-posts the capabilities so the
 * server's pre-check follows the new policy.
 */
export function createPolicyInForce(options: {
  readonly policy: PolicyConfig;
  readonly file: PolicyFileSource | null;
  readonly intervalMs: number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly logger: Logger;
  readonly onReload: () => void;
}): PolicyInForce {
  const { file } = options;
  if (file === null) {
    return {
      current: () => options.policy,
      checks: () => ({}),
      start: () => undefined,
      stop: () => Promise.resolve(),
    };
  }
  const abort = new AbortController();
  const watcher = new PolicyWatcher({
    file: file.path,
    initial: { sha256: file.sha256, policy: options.policy },
    overrides: file.overrides,
    intervalMs: options.intervalMs,
    sleep: options.sleep,
    logger: options.logger,
    onReload: options.onReload,
    signal: abort.signal,
  });
  let done: Promise<void> = Promise.resolve();
  return {
    current: () => watcher.current,
    checks: () => {
      const problem = watcher.problem;
      return {
        policy:
          problem === null
            ? { ok: true, message: `${file.path} is in force` }
            : { ok: false, message: problem },
      };
    },
    start: () => {
      done = watcher.run().catch((error: unknown) => {
        options.logger.error({ err: describeError(error) }, 'the policy file watch stopped unexpectedly');
      });
    },
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}

/** What the server's pre-check needs of a policy (the capabilities' mode and policy fields). */
export function policyCapabilities(policy: PolicyConfig): Pick<ExecutorCapabilities, 'mode' | 'policy'> {
  return {
    mode: policy.mode,
    policy: {
      extraVerbs: [...policy.extraVerbs],
      extraFlags: [...policy.extraFlags],
      restrictedResources: [...policy.restrictedResources],
    },
  };
}
