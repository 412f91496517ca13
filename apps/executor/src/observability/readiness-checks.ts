import type { ApiServerStatus } from '@kubently/protocol';

import type { HealthChecks } from './health-server.js';

/**
 * The checks /healthz shows and /readyz requires: the link to the server (up, and the token not
 * refused) and the cluster's API server (answering the executor at the last check).
 */
export function readinessChecks(state: {
  isConnected: boolean;
  /** The token rejection's message while the server refuses the token, else null. */
  rejectedMessage: string | null;
  apiServer: ApiServerStatus | null;
}): HealthChecks {
  const status = state.apiServer;
  const server = status?.server ?? 'API server';
  return {
    link:
      state.rejectedMessage !== null
        ? { ok: false, message: state.rejectedMessage }
        : state.isConnected
          ? { ok: true }
          : { ok: false, message: 'not connected to the server' },
    cluster:
      status === null
        ? { ok: false, message: 'the API server has not been checked yet' }
        : status.status === 'reachable'
          ? { ok: true, message: `${server} answers (${status.serverVersion ?? 'unknown version'})` }
          : {
              ok: false,
              message: `${server} is ${status.status}${status.message === null ? '' : `: ${status.message}`}`,
            },
  };
}
