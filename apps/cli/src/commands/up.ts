import type { ServerConfig } from '@kubently/server';

import { createApiClient } from '../api/index.js';
import {
  parseClusterId,
  parseCommandArgs,
  parseIntegerFlag,
  parseLogLevel,
  requirePositionals,
} from '../args/index.js';
import type { LogLevel } from '../args/index.js';
import { fromAppError } from '../apps/app-error.js';
import { waitForAbort } from '../apps/wait-for-abort.js';
import type { CliIo } from '../cli-io.js';
import type { CommandSpec } from '../command-spec.js';
import { configPaths, readCliConfig, serverNameSchema, writeCliConfig } from '../config/index.js';
import { exitCodes } from '../exit-codes.js';
import { KubentlyError } from '../kubently-error.js';
import { selfCommand } from '../self-command.js';
import { clusterIdFromContext } from '../up/cluster-id-from-context.js';
import { detectKubeContext } from '../up/detect-kube-context.js';
import { generateApiKey } from '../up/generate-api-key.js';
import { pinKubeContext } from '../up/pin-kube-context.js';
import type { PinnedKubeconfig } from '../up/pin-kube-context.js';
import { printUpBanner } from '../up/print-up-banner.js';
import type { ExecutorState } from '../up/print-up-banner.js';
import { resolveAdminKey } from '../up/resolve-admin-key.js';
import { waitForExecutor } from '../up/wait-for-executor.js';

const usage = 'kubently up [--port PORT] [--cluster ID] [--kubectl PATH] [--mode MODE] [--name NAME]';

export const upCommand: CommandSpec = {
  path: ['up'],
  summary: 'Run everything locally: server + executor for your current kubeconfig context',
  help: `Usage: ${usage}

Starts the server (memory backend, 127.0.0.1 only) and, in the same process, an executor for the
current kubeconfig context. It registers the cluster through the server's own API, prints the URL,
an admin API key and commands to copy, and saves the server and key in the Kubently config file so
\`kubently exec\`, \`clusters\` and \`audit\` work right away. Without kubectl or a kubeconfig context
the server still runs and says how to connect an executor. Ctrl-C stops both.

Flags:
  --port PORT          listen port (default 8080; 0 picks a free port)
  --cluster ID         cluster id (default: the context name as a DNS label)
  --kubectl PATH       kubectl binary (default KUBENTLY_KUBECTL or kubectl)
  --mode MODE          executor policy mode: readOnly (default) | extendedReadOnly
  --name NAME          name of the saved server in the config file (default local)
  --log-level LEVEL    server and executor log level (default warn)

The admin key is the first admin key of KUBENTLY_API_KEYS if set, else the key saved under NAME by
an earlier \`up\`, else a new random key.

The executor runs kubectl with your own kubeconfig user's credentials (whatever you may read, it
may read); a shared deployment runs it in the cluster with its ServiceAccount instead.
The executor keeps using the context it started with (a private copy of it, deleted on exit), even
if you switch contexts later. The executor's KUBENTLY_* tuning variables apply, e.g.
KUBENTLY_KUBECTL_ENV=AWS_PROFILE for exec credential plugins.`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        port: { type: 'string' },
        cluster: { type: 'string' },
        kubectl: { type: 'string' },
        mode: { type: 'string' },
        name: { type: 'string' },
        'log-level': { type: 'string' },
      },
      usage,
    );
    requirePositionals(positionals, [], usage);
    const port = parseIntegerFlag('port', values.port, { min: 0, max: 65_535 }) ?? 8080;
    const serverName = values.name ?? 'local';
    if (!serverNameSchema.safeParse(serverName).success) {
      throw new KubentlyError(
        'usage',
        `--name "${serverName}" is not a valid server name: use letters, digits, ".", "_", "-"`,
      );
    }
    const logLevel = parseLogLevel(values['log-level']) ?? 'warn';
    const kubectl = values.kubectl ?? nonEmpty(io.env['KUBENTLY_KUBECTL']) ?? 'kubectl';
    const cluster = values.cluster === undefined ? undefined : parseClusterId(values.cluster);
    const mode = values.mode;
    if (mode !== undefined && mode !== 'readOnly' && mode !== 'extendedReadOnly') {
      throw new KubentlyError(
        'usage',
        `--mode must be readOnly or extendedReadOnly for \`kubently up\`; got "${mode}" (fullAccess needs an acknowledged policy file: run \`kubently executor --policy-file FILE\`)`,
      );
    }
    return up(io, { port, serverName, logLevel, kubectl, cluster, mode });
  },
};

interface UpOptions {
  readonly port: number;
  readonly serverName: string;
  readonly logLevel: LogLevel;
  readonly kubectl: string;
  readonly cluster: string | undefined;
  readonly mode: string | undefined;
}

async function up(io: CliIo, options: UpOptions): Promise<number> {
  // Loaded on demand: other commands do not pay for the server's and executor's dependencies.
  const [
    { parseEnvironment, start: startServer },
    { buildExecutorConfig, executorOptionsFromEnvironment, start: startExecutor },
  ] = await Promise.all([import('@kubently/server'), import('@kubently/executor')]);
  const paths = configPaths(io);
  const saved = await readCliConfig(paths.file);
  let base: ServerConfig;
  try {
    base = parseEnvironment(io.env);
  } catch (error) {
    throw fromAppError(error, 'server');
  }
  const admin = resolveAdminKey(base.apiKeys, saved.servers[options.serverName]?.apiKey, () =>
    generateApiKey(io.randomBytes),
  );
  if (admin === null) {
    throw new KubentlyError(
      'usage',
      'KUBENTLY_API_KEYS has no admin key, and `kubently up` needs one to register the cluster: add "admin:<key>" to it, or unset it to get a generated key',
    );
  }
  const serverConfig: ServerConfig = Object.freeze({
    ...base,
    host: '127.0.0.1',
    port: options.port,
    apiKeys: admin.apiKeys,
    logLevel: options.logLevel,
  });
  let server;
  try {
    server = await startServer(serverConfig);
  } catch (error) {
    throw fromAppError(error, `the server on 127.0.0.1:${options.port}`);
  }
  const client = createApiClient({
    connection: { url: server.url, apiKey: admin.key, urlSource: '`kubently up`' },
    fetch: io.fetch,
    signal: io.signal,
  });
  let executor: { close(): Promise<void> } | null = null;
  let pinned: PinnedKubeconfig | null = null;
  try {
    let state: ExecutorState;
    const probe = await detectKubeContext(options.kubectl, io.env, io.signal);
    switch (probe.type) {
      case 'kubectl-missing':
        state = {
          type: 'none',
          problem: `kubectl was not found (looked for "${probe.kubectl}").`,
          fix: 'install kubectl (or pass --kubectl PATH / set KUBENTLY_KUBECTL), then run `kubently up` again.',
        };
        break;
      case 'no-context':
        state = {
          type: 'none',
          problem: `no current kubeconfig context (kubectl: ${probe.message.split('\n')[0] ?? ''}).`,
          fix: 'point kubectl at a cluster (`kubectl config use-context NAME`, or set KUBECONFIG), then run `kubently up` again.',
        };
        break;
      case 'found': {
        const clusterId = options.cluster ?? clusterIdFromContext(probe.context);
        pinned = await pinKubeContext(options.kubectl, probe.context, io.env, io.signal);
        const registered = await client.createCluster(clusterId);
        let config;
        try {
          // The executor's tuning variables apply (KUBENTLY_KUBECTL_ENV, KUBENTLY_MAX_CONCURRENCY, ...);
          // where it connects, with which identity and kubeconfig is decided here.
          const {
            apiUrl: _apiUrl,
            clusterId: _clusterId,
            token: _token,
            kubeconfig: _kubeconfig,
            ...tuning
          } = executorOptionsFromEnvironment(io.env);
          config = buildExecutorConfig(
            {
              ...tuning,
              apiUrl: server.url,
              clusterId,
              token: registered.token,
              kubectl: options.kubectl,
              logLevel: options.logLevel,
              ...(pinned === null ? {} : { kubeconfig: pinned.path }),
              ...(options.mode === undefined ? {} : { policyMode: options.mode }),
            },
            io.env,
          );
        } catch (error) {
          throw fromAppError(error, 'executor');
        }
        executor = await startExecutor(config);
        const connected = await waitForExecutor(client, clusterId, io.signal);
        state = connected
          ? {
              type: 'connected',
              clusterId,
              context: probe.context,
              pinned: pinned !== null,
              mode: config.policy.mode,
            }
          : { type: 'not-connected-yet', clusterId, context: probe.context, pinned: pinned !== null };
        break;
      }
    }
    const latest = await readCliConfig(paths.file);
    await writeCliConfig(paths, {
      ...latest,
      servers: { ...latest.servers, [options.serverName]: { url: server.url, apiKey: admin.key } },
      currentServer: options.serverName,
    });
    printUpBanner(io, {
      url: server.url,
      key: admin.key,
      keySource: admin.source,
      serverName: options.serverName,
      configFile: paths.file,
      previousServer:
        latest.currentServer !== null && latest.currentServer !== options.serverName
          ? latest.currentServer
          : null,
      executor: state,
      self: await selfCommand(io),
      envOverride:
        nonEmpty(io.env['KUBENTLY_API_URL']) !== undefined ||
        nonEmpty(io.env['KUBENTLY_API_KEY']) !== undefined,
    });
    await waitForAbort(io.signal);
    io.stderr.write('Stopping the executor and the server...\n');
  } finally {
    // The executor goes first so it does not start a reconnect loop against a closing server.
    await executor?.close();
    await server.close();
    await pinned?.remove();
  }
  io.stderr.write('Stopped.\n');
  return exitCodes.ok;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
