import { capMcpText, toMcpDiagnosis } from '@kubently/protocol';
import type { McpCommandResult } from '@kubently/protocol';

import { KubentlyError } from '../kubently-error.js';
import type { LocalCluster, LocalRun } from './local-cluster.js';
import type { AskInput, McpBackend } from './mcp-backend.js';
import type { McpAskAnswer } from '@kubently/protocol';

const toResult = (cluster: LocalCluster, commandId: string, run: LocalRun): McpCommandResult => {
  const { outcome } = run;
  const base = { commandId, clusterId: cluster.id, args: [...run.args], durationMs: run.durationMs };
  if (outcome.type === 'failure') {
    if (outcome.code === 'policy_denied') throw new KubentlyError('policy_denied', outcome.message);
    return {
      ...base,
      status: 'failed',
      stdout: '',
      stderr: outcome.message,
      truncated: false,
      redactions: 0,
      failure: {
        code: outcome.code === 'command_timeout' ? 'command_timeout' : 'spawn_failed',
        message: outcome.message,
      },
    };
  }
  const stdout = capMcpText(outcome.stdout);
  const stderr = capMcpText(
    outcome.truncated
      ? `${outcome.stderr}kubently: stdout was larger than 8 MiB and is not shown; narrow the command\n`
      : outcome.stderr,
  );
  return {
    ...base,
    status: outcome.exitCode === 0 ? 'succeeded' : 'failed',
    exitCode: outcome.exitCode,
    stdout: stdout.text,
    stderr: stderr.text,
    truncated: outcome.truncated || stdout.isTruncated || stderr.isTruncated,
    redactions: run.redactions,
  };
};

export interface LocalBackendOptions {
  readonly cluster: LocalCluster;
  readonly newId: () => string;
  /** Answers `ask_kubently` (the agent, engine-only without a configured model). */
  readonly ask: (
    input: AskInput,
    signal: AbortSignal,
    onProgress: (message: string) => void,
  ) => Promise<McpAskAnswer>;
  readonly description: string;
}

/**
 * Local mode: the tools act on one kubeconfig context with kubectl on this machine. There is no
 * server, so there are no sessions and no asynchronous commands: those tools are not offered.
 */
export const createLocalBackend = (options: LocalBackendOptions): McpBackend => {
  const { cluster } = options;
  return {
    description: options.description,
    listClusters: () => Promise.resolve([cluster.info()]),
    executeKubectl: async (input, signal) => {
      cluster.check(input.clusterId);
      if (input.sessionId !== undefined) {
        throw new KubentlyError(
          'validation_failed',
          'local mode has no sessions (they live on a Kubently server); leave sessionId out',
        );
      }
      // wait:false has nothing to wait for locally: the finished result comes back at once.
      const run = await cluster.run(input.args, input.namespace, input.timeoutSeconds, signal);
      return toResult(cluster, options.newId(), run);
    },
    diagnose: async (clusterId, namespaces, signal, include) => {
      cluster.check(clusterId);
      return toMcpDiagnosis(clusterId, await cluster.diagnose(namespaces, signal, include));
    },
    ask: options.ask,
  };
};
