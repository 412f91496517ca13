import type { ExecutorConfig } from '@kubently/executor';

import { parseCommandArgs, requirePositionals } from '../args/index.js';
import { fromAppError } from '../apps/app-error.js';
import { waitForAbort } from '../apps/wait-for-abort.js';
import type { CommandSpec } from '../command-spec.js';
import { exitCodes } from '../exit-codes.js';
import { KubentlyError } from '../kubently-error.js';

const usage =
  'kubently executor --api-url URL --cluster ID --token TOKEN [--kubectl PATH] [--mode MODE] [--policy-file FILE] [--transport sse|poll]';

/** Flag name → executor option name; env names are the executor's (the seed's) variables. */
const flagToOption = {
  'api-url': 'apiUrl',
  cluster: 'clusterId',
  token: 'token',
  kubectl: 'kubectl',
  mode: 'policyMode',
  'policy-file': 'policyFile',
  transport: 'transport',
  'log-level': 'logLevel',
  'health-port': 'healthPort',
  'max-concurrency': 'maxConcurrency',
  kubeconfig: 'kubeconfig',
  context: 'kubeContext',
  'ca-file': 'caFile',
} as const;

export const executorCommand: CommandSpec = {
  path: ['executor'],
  summary: 'Run an executor for one cluster: dials out to the server and runs its commands',
  help: `Usage: ${usage}

Connects out to the server (SSE, or long-poll with --transport poll), runs the commands the server
relays with the local kubectl after checking them against the command policy again, and posts the
results. Runs until Ctrl-C. Flags override the environment variables in brackets (the seed
executor's variables keep working).

Flags:
  --api-url URL          server URL (KUBENTLY_API_URL)
  --cluster ID           cluster id registered with \`kubently clusters add\` (CLUSTER_ID)
  --token TOKEN          the executor token printed by \`clusters add\` (KUBENTLY_TOKEN)
  --kubectl PATH         kubectl binary (KUBENTLY_KUBECTL, default kubectl)
  --kubeconfig FILE      kubeconfig for kubectl (KUBECONFIG; in a pod: the ServiceAccount)
  --context NAME         kubeconfig context (KUBENTLY_KUBE_CONTEXT, default: its current one)
  --ca-file FILE         CA bundle trusted for an https server URL (KUBENTLY_CA_FILE)
  --mode MODE            readOnly | extendedReadOnly | fullAccess (KUBENTLY_POLICY_MODE)
  --policy-file FILE     policy config file, JSON or YAML (KUBENTLY_POLICY_FILE)
  --transport T          sse (default) | poll (KUBENTLY_TRANSPORT)
  --max-concurrency N    commands run in parallel (KUBENTLY_MAX_CONCURRENCY, default 4)
  --health-port PORT     serve /healthz, /readyz and /metrics on this port (KUBENTLY_HEALTH_PORT)
  --log-level LEVEL      trace | debug | info | warn | error (LOG_LEVEL, default info)`,
  run: async (argv, io) => {
    const options = Object.fromEntries(
      Object.keys(flagToOption).map((flag) => [flag, { type: 'string' as const }]),
    );
    const { values, positionals } = parseCommandArgs(argv, options, usage);
    requirePositionals(positionals, [], usage);
    // Loaded on demand: other commands do not pay for the executor's dependencies.
    const {
      buildExecutorConfig,
      executorOptionsFromEnvironment,
      start: startExecutor,
    } = await import('@kubently/executor');
    const merged: Record<string, unknown> = { ...executorOptionsFromEnvironment(io.env) };
    for (const [flag, option] of Object.entries(flagToOption)) {
      const value = values[flag];
      if (typeof value === 'string') merged[option] = value;
    }
    let config: ExecutorConfig;
    try {
      config = buildExecutorConfig(merged, io.env);
    } catch (error) {
      throw withFlagHint(fromAppError(error, 'executor'));
    }
    let executor;
    try {
      executor = await startExecutor(config);
    } catch (error) {
      throw fromAppError(error, 'the executor');
    }
    io.stderr.write(
      `Kubently executor for cluster "${config.clusterId}" started (server ${config.apiUrl}, ${config.transport}, mode ${config.policy.mode}). Stop with Ctrl-C.\n`,
    );
    const stop = await Promise.race([waitForAbort(io.signal).then(() => null), executor.stopped]);
    io.stderr.write('Stopping the executor...\n');
    await executor.close();
    if (stop?.type === 'cluster-removed') {
      io.stderr.write(
        `The server says cluster "${config.clusterId}" was removed (${stop.message}); register it again with \`kubently clusters add ${config.clusterId}\` and use the new token.\n`,
      );
      return exitCodes.notFound;
    }
    return exitCodes.ok;
  },
};

/** The executor names its environment variables; on the command line the flags are the fix. */
function withFlagHint(error: unknown): unknown {
  if (!(error instanceof KubentlyError)) return error;
  return new KubentlyError(
    error.code,
    `${error.message}\n  pass them as flags (--api-url, --cluster, --token; see \`kubently executor --help\`) or set the variables named above`,
    { cause: error },
  );
}
