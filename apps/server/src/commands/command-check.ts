import type { PolicyConfig } from '@kubently/policy';
import type { CommandCheckResponse } from '@kubently/protocol';

import type { Caller } from '../auth/api-key-verifier.js';
import { checkCommand } from '../policy/policy-gate.js';
import type { PolicyResolver } from '../policy/policy-gate.js';

export interface CommandCheckInput {
  readonly clusterId: string;
  readonly args?: readonly string[] | undefined;
  readonly command?: string | undefined;
  readonly namespace?: string | undefined;
  readonly caller: Caller;
}

export interface CommandCheckOptions {
  /** Throws `cluster_not_found` for an unknown cluster or one outside the caller's scope. */
  readonly requireCluster: (clusterId: string, caller: Caller) => Promise<unknown>;
  readonly reportedPolicies: (clusterId: string) => Promise<readonly PolicyConfig[]>;
  readonly policy: PolicyResolver;
}

/**
 * The policy's verdict on a command without running it (`POST /v1/commands/check`): the same
 * pre-check `POST /v1/commands` makes, with the same policies, so what it says is what a run would
 * meet at the server. Nothing is queued or audited; the executor still decides on a real run.
 */
export class CommandCheck {
  readonly #options: CommandCheckOptions;

  constructor(options: CommandCheckOptions) {
    this.#options = options;
  }

  async check(input: CommandCheckInput): Promise<CommandCheckResponse> {
    await this.#options.requireCluster(input.clusterId, input.caller);
    const policies = this.#options.policy(
      input.clusterId,
      await this.#options.reportedPolicies(input.clusterId),
    );
    const verdict = checkCommand(input, policies);
    return {
      clusterId: input.clusterId,
      verdict: verdict.type,
      argv: verdict.argv,
      reason: verdict.type === 'denied' ? verdict.reason : null,
    };
  }
}
