import type { ApiServerStatus } from '@kubently/protocol';

import { isAborted } from '../link/is-aborted.js';
import type { Logger } from '../logger.js';

export interface ApiServerMonitorOptions {
  /** One check (check-api-server.ts); must not throw for a cluster that does not answer. */
  readonly check: (signal: AbortSignal) => Promise<ApiServerStatus>;
  readonly intervalMs: number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly logger: Logger;
  /** Called after a check whose outcome differs from the previous one (not for the time alone). */
  readonly onChange: (status: ApiServerStatus) => void;
  readonly signal: AbortSignal;
}

/**
 * Checks the API server at start and every `intervalMs`, keeps the last status, and logs one line
 * per change of outcome (reachable → unreachable, a new version, another RBAC grant), never one
 * per check.
 */
export class ApiServerMonitor {
  readonly #options: ApiServerMonitorOptions;
  #current: ApiServerStatus | null = null;

  constructor(options: ApiServerMonitorOptions) {
    this.#options = options;
  }

  /** The last check's outcome; null before the first one ended. */
  get current(): ApiServerStatus | null {
    return this.#current;
  }

  /** Checks until the signal aborts. */
  async run(): Promise<void> {
    const { signal } = this.#options;
    while (!signal.aborted) {
      const status = await this.#options.check(signal);
      if (isAborted(signal)) break;
      const previous = this.#current;
      this.#current = status;
      if (previous === null || outcomeOf(previous) !== outcomeOf(status)) {
        this.#log(status);
        this.#options.onChange(status);
      }
      await this.#options.sleep(this.#options.intervalMs, signal).catch(() => undefined);
    }
  }

  #log(status: ApiServerStatus): void {
    const fields = {
      apiServer: status.server,
      status: status.status,
      credentials: status.credentials,
      serverVersion: status.serverVersion,
      rbac: status.rbac,
      message: status.message,
    };
    switch (status.status) {
      case 'reachable':
        this.#options.logger.info(fields, 'the cluster API server answers');
        return;
      case 'unauthorized':
        this.#options.logger.error(
          fields,
          "the cluster API server refuses the executor's credentials: renew the ServiceAccount token or fix the kubeconfig user",
        );
        return;
      case 'unreachable':
        this.#options.logger.error(
          fields,
          'the cluster API server does not answer; commands will fail until it does',
        );
        return;
    }
  }
}

/** Everything but the time of the check. */
function outcomeOf(status: ApiServerStatus): string {
  return JSON.stringify({ ...status, checkedAt: null });
}
