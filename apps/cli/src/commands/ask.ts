import { connectionHelp, connectionOptions, parseClusterId, parseCommandArgs } from '../args/index.js';
import {
  createPalette,
  createTurnPrinter,
  messageIdFactory,
  openChat,
  parseNamespace,
  runTurn,
  shouldUseColor,
} from '../chat/index.js';
import type { TurnResult } from '../chat/index.js';
import type { CommandSpec } from '../command-spec.js';
import { exitCodes, exitCodesHelp } from '../exit-codes.js';
import { parseOutputFormat, writeDocument } from '../format/index.js';
import { KubentlyError } from '../kubently-error.js';

const usage = 'kubently ask "<question>" [--cluster ID] [-n NAMESPACE] [-o text|json|yaml]';

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

Flags:
  --cluster ID          the cluster to investigate (default: the agent decides)
  -n, --namespace NS    focus on one namespace
  -o, --output FORMAT   text (default), json or yaml
${connectionHelp}

Exit: 0 when the task completed, 1 when it failed or was canceled by the server, 130 after Ctrl-C;
connection problems use the codes below.

${exitCodesHelp}

Examples:
  kubently ask "why is checkout crash-looping?" --cluster prod -n shop
  kubently ask "which pods are not ready?" --cluster prod -o json | jq .answer`,
  run: async (argv, io) => {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        ...connectionOptions,
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
    const chat = await openChat(values, io, clusterId);
    const printer =
      format === 'text'
        ? createTurnPrinter({
            answer: io.stdout,
            progress: io.stderr,
            palette: createPalette(shouldUseColor(io.stderr, io.env)),
          })
        : undefined;
    const startedAt = io.now().getTime();
    const result = await runTurn({
      client: chat.agent,
      text: question,
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
  },
};
