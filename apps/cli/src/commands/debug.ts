import { join } from 'node:path';

import { createAgent, createMemoryConversationStore, createModelFromConfig } from '@kubently/agent';

import {
  connectionHelp,
  connectionOptions,
  isLocalMode,
  localHelp,
  localOptions,
  parseClusterId,
  parseCommandArgs,
} from '../args/index.js';
import {
  chatHelp,
  chatHistoryLimit,
  createChatHistory,
  createLocalTurnRunner,
  createPalette,
  messageIdFactory,
  modelBanner,
  openChat,
  parseNamespace,
  runChatSession,
  runTurn,
  shouldUseColor,
} from '../chat/index.js';
import type { CliIo } from '../cli-io.js';
import { configPaths } from '../config/index.js';
import type { CommandSpec } from '../command-spec.js';
import { exitCodesHelp } from '../exit-codes.js';
import { escapeTerminal } from '../format/index.js';
import { KubentlyError } from '../kubently-error.js';
import { localGateway, openLocalCluster } from '../mcp/index.js';

const usage = `kubently debug [cluster] [-n NAMESPACE]
       kubently debug --kubeconfig PATH [--context NAME] [-n NAMESPACE]`;

export const debugCommand: CommandSpec = {
  path: ['debug'],
  summary: 'Chat with the Kubently agent about a cluster (live tool calls, streamed answers)',
  help: `Usage: ${usage}

An interactive troubleshooting chat with the server's agent over A2A. Answers stream as they are
written; every kubectl command the agent runs is shown when it starts and when it ends (duration,
exit status or the policy's denial). The server remembers the conversation until /clear.
Without a cluster, the only registered cluster is used (else the agent picks, or use /cluster).
With --kubeconfig or --context no server is involved: the agent runs in this process against
that context, with the model from KUBENTLY_LLM_* (checked at start) or the diagnosis engine.

${chatHelp}
History: the last ${chatHistoryLimit} questions, in debug-history in the config directory.
Colour only on a terminal and never with NO_COLOR set.

Flags:
  -n, --namespace NS    focus on one namespace
${connectionHelp}
${localHelp}

${exitCodesHelp}

Examples:
  kubently debug prod
  kubently debug prod -n shop
  kubently debug --context kind-kind`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(
      argv,
      { ...connectionOptions, ...localOptions, namespace: { type: 'string', short: 'n' } },
      usage,
    );
    if (positionals.length > 1) {
      throw new KubentlyError(
        'usage',
        `unexpected argument(s): ${positionals.slice(1).join(' ')}\n  usage: ${usage}`,
      );
    }
    const requested = positionals[0] === undefined ? undefined : parseClusterId(positionals[0]);
    const namespace = parseNamespace(values.namespace);
    if (isLocalMode(values)) {
      if (requested !== undefined)
        throw new KubentlyError(
          'usage',
          `give either [cluster] (through the server) or --kubeconfig/--context (locally), not both`,
        );
      return debugLocally(
        { kubeconfig: values.kubeconfig, context: values.context, kubectl: values.kubectl },
        namespace,
        io,
      );
    }
    const chat = await openChat(values, io, requested);
    const only = chat.clusters?.length === 1 ? chat.clusters[0]?.id : undefined;
    const clusterId = requested ?? only;
    const palette = createPalette(shouldUseColor(io.stdout, io.env));

    const cluster = chat.clusters?.find((entry) => entry.id === clusterId);
    const target =
      clusterId === undefined
        ? palette.yellow('no cluster selected (the agent picks one; /cluster lists them)')
        : `cluster ${palette.bold(clusterId)}${cluster?.connected === false ? palette.yellow(' (no executor connected: commands will fail)') : ''}`;
    io.stdout.write(
      `${palette.bold(escapeTerminal(chat.agent.agentName))} at ${chat.agent.url} · ${target}${namespace === undefined ? '' : ` · namespace ${namespace}`}\n${palette.dim('Ask a question. /help lists commands; Ctrl-C cancels an answer; Ctrl-D exits.')}\n`,
    );
    return runChatSession({
      io,
      runTurn: (options) => runTurn({ ...options, client: chat.agent }),
      where: chat.agent.url,
      listClusters: chat.listClusters,
      clusterId,
      namespace,
      history: createChatHistory(join(chat.configDir, 'debug-history')),
      historyLimit: chatHistoryLimit,
      palette,
      newId: messageIdFactory(io),
    });
  },
};

async function debugLocally(
  flags: Parameters<typeof openLocalCluster>[0],
  namespace: string | undefined,
  io: CliIo,
): Promise<number> {
  const local = await openLocalCluster(flags, io);
  try {
    const palette = createPalette(shouldUseColor(io.stdout, io.env));
    const { cluster, agentConfig } = local;
    const agent = createAgent({
      config: agentConfig,
      model: agentConfig.model === null ? null : createModelFromConfig(agentConfig.model),
      gateway: localGateway(cluster),
      conversations: createMemoryConversationStore(),
    });
    io.stdout.write(
      `${palette.bold('kubently')} local · context ${palette.bold(escapeTerminal(local.context))}${namespace === undefined ? '' : ` · namespace ${namespace}`}\n${await modelBanner(agentConfig, io, palette)}\n${palette.dim('Ask a question. /help lists commands; Ctrl-C cancels an answer; Ctrl-D exits.')}\n`,
    );
    return await runChatSession({
      io,
      runTurn: createLocalTurnRunner(agent, cluster.id),
      where: `context "${local.context}"`,
      listClusters: () => Promise.resolve([cluster.info()]),
      clusterId: cluster.id,
      namespace,
      history: createChatHistory(join(configPaths(io).dir, 'debug-history')),
      historyLimit: chatHistoryLimit,
      palette,
      newId: messageIdFactory(io),
    });
  } finally {
    await local.close();
  }
}
