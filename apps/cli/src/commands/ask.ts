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
  createLocalTurnRunner,
  createPalette,
  createTurnPrinter,
  messageIdFactory,
  modelBanner,
  openChat,
  parseNamespace,
  runTurn,
  shouldUseColor,
} from '../chat/index.js';
import type { TurnResult, TurnRunner } from '../chat/index.js';
import type { CliIo } from '../cli-io.js';
import type { CommandSpec } from '../command-spec.js';
import { exitCodes, exitCodesHelp } from '../exit-codes.js';
import { escapeTerminal, parseOutputFormat, writeDocument } from '../format/index.js';
import { KubentlyError } from '../kubently-error.js';
import { localGateway, openLocalCluster } from '../mcp/index.js';

const usage = `kubently ask "<question>" [--cluster ID] [-n NAMESPACE] [-o text|json|yaml]
       kubently ask "<question>" --kubeconfig PATH [--context NAME] [-n NAMESPACE] [-o ...]`;

const askFormats = ['text', 'json', 'yaml'] as const;

/** The `-o json` document: one object, printed when the task has ended. */
export function askJson(result: TurnResult, requestedCluster: string | undefined): Record<string, unknown> {
  return {
    answer: result.answer,
    clusterId: result.final?.clusterId ?? requestedCluster ?? null,
    toolCalls: result.toolCalls.map((call) => ({
      tool: call.tool,
      args: call.args,
      outcome: call.outcome,
      durationMs: call.durationMs,
      summary: call.summary,
    })),
    usage: result.usage,
    costUsd: result.costUsd,
    taskId: result.taskId,
    contextId: result.contextId,
    state: result.state,
    ...(result.final === null ? {} : { stopReason: result.final.stopReason, mode: result.final.mode }),
    ...(result.error === null ? {} : { error: result.error }),
  };
}

export const askCommand: CommandSpec = {
  path: ['ask'],
  summary: 'Ask the Kubently agent one question (streams; -o json for scripts)',
  help: `Usage: ${usage}

Sends one question to the server's agent over A2A and streams the answer to stdout. Tool calls,
failures and the token/cost summary go to stderr, so \`kubently ask ... > answer.md\` keeps only
the answer. With -o json nothing streams: one JSON object is printed when the task ends:
  {answer, clusterId, toolCalls:[{tool,args,outcome,durationMs,summary}], usage, costUsd,
   taskId, contextId, state, stopReason, mode, error?}
Ctrl-C cancels the task on the server (exit 130).

With --kubeconfig or --context no server is involved: the agent runs in this process against that
context (kubectl here, read-only policy), with the model from KUBENTLY_LLM_* or, without one, the
diagnosis engine. A configured model is checked first; the line on stderr names it, or warns.

Flags:
  --cluster ID          the cluster to investigate (default: the agent decides)
  -n, --namespace NS    focus on one namespace
  -o, --output FORMAT   text (default), json or yaml
${connectionHelp}
${localHelp}

Exit: 0 when the task completed, 1 when it failed or was canceled by the server, 130 after Ctrl-C;
connection problems use the codes below.

${exitCodesHelp}

Examples:
  kubently ask "why is checkout crash-looping?" --cluster prod -n shop
  kubently ask "which pods are not ready?" --cluster prod -o json | jq .answer
  kubently ask "why is shop not ready?" --kubeconfig ~/.kube/config`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        ...connectionOptions,
        ...localOptions,
        cluster: { type: 'string' },
        namespace: { type: 'string', short: 'n' },
        output: { type: 'string', short: 'o' },
      },
      usage,
    );
    const question = positionals.join(' ').trim();
    if (question === '') throw new KubentlyError('usage', `missing "<question>"\n  usage: ${usage}`);
    const format = parseOutputFormat(values.output, askFormats);
    const clusterId = values.cluster === undefined ? undefined : parseClusterId(values.cluster);
    const namespace = parseNamespace(values.namespace);
    const palette = createPalette(shouldUseColor(io.stderr, io.env));
    const local = isLocalMode(values)
      ? await openLocalCluster(
          { kubeconfig: values.kubeconfig, context: values.context, kubectl: values.kubectl },
          io,
        )
      : undefined;
    try {
      const turn: TurnRunner =
        local === undefined
          ? await remoteTurn(values, io, clusterId)
          : createLocalTurnRunner(
              createAgent({
                config: local.agentConfig,
                model:
                  local.agentConfig.model === null ? null : createModelFromConfig(local.agentConfig.model),
                gateway: localGateway(local.cluster),
                conversations: createMemoryConversationStore(),
              }),
              local.cluster.id,
            );
      if (local !== undefined)
        io.stderr.write(
          `kubently: context "${escapeTerminal(local.context)}" via local kubectl · ${await modelBanner(local.agentConfig, io, palette)}\n`,
        );
      return await askOnce({ io, turn, question, format, clusterId, namespace, palette });
    } finally {
      await local?.close();
    }
  },
};

async function remoteTurn(
  values: Parameters<typeof openChat>[0],
  io: CliIo,
  clusterId: string | undefined,
): Promise<TurnRunner> {
  const chat = await openChat(values, io, clusterId);
  return (options) => runTurn({ ...options, client: chat.agent });
}

async function askOnce(options: {
  readonly io: CliIo;
  readonly turn: TurnRunner;
  readonly question: string;
  readonly format: (typeof askFormats)[number];
  readonly clusterId: string | undefined;
  readonly namespace: string | undefined;
  readonly palette: ReturnType<typeof createPalette>;
}): Promise<number> {
  const { io, format, clusterId, namespace } = options;
  const printer =
    format === 'text'
      ? createTurnPrinter({
          answer: io.stdout,
          progress: io.stderr,
          palette: options.palette,
        })
      : undefined;
  const startedAt = io.now().getTime();
  const result = await options.turn({
    text: options.question,
    messageId: messageIdFactory(io)(),
    contextId: undefined,
    metadata: {
      ...(clusterId === undefined ? {} : { clusterId }),
      ...(namespace === undefined ? {} : { namespace }),
    },
    signal: io.signal,
    onEvent: printer?.onEvent ?? (() => undefined),
  });
  if (printer === undefined)
    writeDocument(io.stdout, format === 'yaml' ? 'yaml' : 'json', askJson(result, clusterId));
  else printer.finish(result, io.now().getTime() - startedAt);
  if (result.state === 'completed') return exitCodes.ok;
  return io.signal.aborted ? 130 : exitCodes.error;
}
