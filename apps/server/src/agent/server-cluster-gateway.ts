import type { ClusterGateway, DiagnoseRequest, KubectlFailureCode, KubectlRun } from '@kubently/agent';
import { kubectlRunFromResponse } from '@kubently/agent';
import type { ErrorCode } from '@kubently/protocol';
import { commandLimits } from '@kubently/protocol';

import type { Caller } from '../auth/api-key-verifier.js';
import { isAllowed } from '../auth/permissions.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import { toCommandResponse } from '../commands/command-response.js';
import type { CommandService } from '../commands/command-service.js';
import { untilAborted } from '../commands/until-aborted.js';
import { isKubentlyError, KubentlyError } from '../errors/kubently-error.js';
import type { CommandSource } from '../state/command-store.js';

/** The diagnosis engine's report, as the agent's port names it. */
export type DiagnosisReport = Awaited<ReturnType<NonNullable<ClusterGateway['diagnose']>>>;

/** Runs the diagnosis engine on a fresh snapshot as `caller` (services.diagnosis.diagnose). */
export type DiagnoseFunction = (request: {
  readonly clusterId: string;
  readonly namespaces?: readonly string[];
  readonly caller: Caller;
  readonly correlationId: string;
  readonly signal: AbortSignal;
}) => Promise<DiagnosisReport>;

export interface ServerClusterGatewayOptions {
  readonly clusters: ClusterService;
  readonly commands: CommandService;
  readonly diagnose?: DiagnoseFunction | undefined;
  /** Who the agent acts for: every command is policy-checked, audited and attributed to them. */
  readonly caller: Caller;
  readonly correlationId: string;
  /** Audit source of the commands (`agent` for A2A and ask_kubently). */
  readonly source: CommandSource;
}

const failureCodeOf = (code: ErrorCode): KubectlFailureCode => {
  switch (code) {
    case 'policy_denied':
    case 'validation_failed':
    case 'bad_request':
      return 'policy_denied';
    case 'command_timeout':
      return 'command_timeout';
    case 'executor_unavailable':
    case 'shutting_down':
      return 'executor_unavailable';
    case 'cluster_not_found':
    case 'cluster_removed':
      return 'cluster_not_found';
    case 'forbidden':
    case 'unauthorized':
      return 'forbidden';
    case 'rate_limited':
    case 'capacity_exceeded':
      return 'rate_limited';
    case 'session_not_found':
    case 'command_not_found':
    case 'not_found':
    case 'cluster_exists':
    case 'conflict':
    case 'payload_too_large':
    case 'unsupported_media_type':
    case 'backend_unavailable':
    case 'internal':
      return 'internal';
  }
};

const cancelledMessage =
  'the run was cancelled while the command was pending; a command already delivered may still finish on the executor';

const isAborted = (signal: AbortSignal): boolean => signal.aborted;

const failure = (code: KubectlFailureCode, message: string): KubectlRun => ({
  type: 'failure',
  code,
  message,
});

/**
 * The agent's `ClusterGateway` inside the server: commands go through `CommandService.submit` with
 * the caller's identity and role, so they are checked by the server policy, queued, relayed to the
 * cluster's executor and audited exactly like REST commands. The gateway never acts as a superuser:
 * a caller whose role may not run commands gets a `forbidden` failure the model reads.
 */
export const createServerClusterGateway = (options: ServerClusterGatewayOptions): ClusterGateway => {
  const { clusters, commands, caller, correlationId, source } = options;
  const mayRun = isAllowed(caller.role, 'commands:run');
  const denyRole = (): KubectlRun =>
    failure(
      'forbidden',
      `the caller "${caller.identity}" has role "${caller.role}", which may not run commands; use an operator or admin key`,
    );

  const gateway: ClusterGateway = {
    listClusters: async () => clusters.list(caller),
    runKubectl: async (request) => {
      if (!mayRun) return denyRole();
      if (request.signal.aborted)
        return failure('cancelled', 'the run was cancelled before the command was sent');
      try {
        const submitted = commands.submit({
          clusterId: request.clusterId,
          args: request.args,
          namespace: request.namespace,
          timeoutSeconds: request.timeoutSeconds ?? commandLimits.defaultTimeoutSeconds,
          caller,
          correlationId,
          source,
          wait: true,
          signal: request.signal,
        });
        const record = await untilAborted(submitted, request.signal);
        if (record === null) return failure('cancelled', cancelledMessage);
        return kubectlRunFromResponse(toCommandResponse(record));
      } catch (error) {
        // Read again: submit may have been interrupted by the abort.
        if (isAborted(request.signal)) return failure('cancelled', cancelledMessage);
        if (isKubentlyError(error)) return failure(failureCodeOf(error.code), error.message);
        throw error;
      }
    },
  };
  const { diagnose } = options;
  if (diagnose === undefined) return gateway;
  return {
    ...gateway,
    diagnose: async (request: DiagnoseRequest) => {
      if (!mayRun) {
        throw new KubentlyError(
          'forbidden',
          `role "${caller.role}" may not run commands, so it cannot run the diagnosis; use an operator or admin key`,
        );
      }
      return diagnose({
        clusterId: request.clusterId,
        ...(request.namespace === undefined ? {} : { namespaces: [request.namespace] }),
        caller,
        correlationId,
        signal: request.signal,
      });
    },
  };
};
