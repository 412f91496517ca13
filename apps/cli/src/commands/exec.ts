import { commandLimits } from '@kubently/protocol';
import type { CommandResponse } from '@kubently/protocol';

import { openApiClient } from '../api/index.js';
import {
  connectionHelp,
  connectionOptions,
  parseClusterId,
  parseCommandArgs,
  parseIntegerFlag,
} from '../args/index.js';
import { isTerminal } from '../chat/index.js';
import type { CliIo } from '../cli-io.js';
import type { CommandSpec } from '../command-spec.js';
import { exitCodes, exitCodesHelp } from '../exit-codes.js';
import { escapeTerminalOutput, escapeTerminalText } from '../format/index.js';
import { KubentlyError } from '../kubently-error.js';
import { printFanOutResult } from './exec-all.js';

const usage = `kubently exec <cluster> [-n NAMESPACE] [--timeout SECONDS] -- <kubectl args...>
       kubently exec --all [-n NAMESPACE] [--timeout SECONDS] -- <kubectl args...>`;

export const execCommand: CommandSpec = {
  path: ['exec'],
  summary: 'Run a read-only kubectl command on a cluster through its executor',
  help: `Usage: ${usage}

Sends the kubectl arguments to the server, which checks them against the command policy and relays
them to the cluster's executor. kubectl's stdout and stderr are printed as they came back (on a terminal,
control sequences other than colours are shown escaped, e.g. \\x1b]52;...) and kubently exits with
kubectl's exit code.

Flags:
  -n, --namespace NS    namespace (added as --namespace unless the args already name one)
  --timeout SECONDS     how long to wait for the result (default ${commandLimits.defaultTimeoutSeconds}, max ${commandLimits.maxTimeoutSeconds})
  --all                 run on every cluster your key may use: one "==> <cluster> <==" section each;
                        clusters without a connected executor are reported, not waited for;
                        exit 0 only when every cluster ran it with exit 0, else 1
${connectionHelp}

${exitCodesHelp}

Examples:
  kubently exec prod -- get pods -A
  kubently exec prod -n kube-system -- logs deploy/coredns --tail 20
  kubently exec --all -- get nodes`,
  run: async (argv, io) => {
    const { values, positionals, passthrough } = parseCommandArgs(
      argv,
      {
        ...connectionOptions,
        namespace: { type: 'string', short: 'n' },
        timeout: { type: 'string' },
        all: { type: 'boolean' },
      },
      usage,
    );
    if (values.all === true) return execAll(values, [...positionals, ...(passthrough ?? [])], io);
    const [rawClusterId, ...rest] = positionals;
    if (rawClusterId === undefined) throw new KubentlyError('usage', `missing <cluster>\n  usage: ${usage}`);
    const clusterId = parseClusterId(rawClusterId);
    // Without `--`, plain words after the cluster are accepted (`kubently exec prod get pods`).
    const args = [...rest, ...(passthrough ?? [])];
    if (args.length === 0) throw new KubentlyError('usage', `no kubectl arguments given\n  usage: ${usage}`);
    const timeoutSeconds = parseIntegerFlag('timeout', values.timeout, {
      min: 1,
      max: commandLimits.maxTimeoutSeconds,
    });
    const client = await openApiClient(values, io);
    let response: CommandResponse;
    try {
      response = await client.runCommand({
        clusterId,
        args,
        ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
        ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
      });
    } catch (error) {
      throw explain(error, clusterId, client.url, timeoutSeconds ?? commandLimits.defaultTimeoutSeconds);
    }
    return printResult(response, io, clusterId, client.url);
  },
};

async function execAll(
  values: Parameters<typeof openApiClient>[0] & { readonly namespace?: string; readonly timeout?: string },
  args: string[],
  io: CliIo,
): Promise<number> {
  if (args.length === 0) throw new KubentlyError('usage', `no kubectl arguments given\n  usage: ${usage}`);
  const timeoutSeconds = parseIntegerFlag('timeout', values.timeout, {
    min: 1,
    max: commandLimits.maxTimeoutSeconds,
  });
  const client = await openApiClient(values, io);
  const answer = await client.runCommandFanOut({
    clusterIds: 'all',
    args,
    ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
    ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
  });
  return printFanOutResult(answer, io);
}

/**
 * kubectl's output as it came back; on a terminal, every control sequence but colours (SGR) is
 * escaped (`escapeTerminalOutput`): kubectl would print a pod name or a log line raw, but a name
 * that clears the screen or writes the clipboard (OSC 52) attacks the operator, not the cluster.
 * Piped or redirected output stays byte-exact.
 */
const kubectlText = (text: string, output: CliIo['stdout']): string =>
  isTerminal(output) ? escapeTerminalOutput(text) : text;

function printResult(response: CommandResponse, io: CliIo, clusterId: string, url: string): number {
  if (response.stdout !== undefined) io.stdout.write(kubectlText(response.stdout, io.stdout));
  if (response.stderr !== undefined) io.stderr.write(kubectlText(response.stderr, io.stderr));
  if (response.truncated === true)
    io.stderr.write('kubently: output was truncated by the executor (size cap)\n');
  if (response.redactions !== undefined && response.redactions > 0) {
    io.stderr.write(`kubently: ${response.redactions} secret value(s) redacted\n`);
  }
  const failure = response.failure;
  if (failure !== undefined) {
    switch (failure.code) {
      case 'policy_denied':
        io.stderr.write(
          `kubently: denied by the executor's policy: ${escapeTerminalText(failure.message)}\n`,
        );
        return exitCodes.policyDenied;
      case 'command_timeout':
        io.stderr.write(
          `kubently: the command timed out on the executor: ${escapeTerminalText(failure.message)}\n  raise --timeout (max ${commandLimits.maxTimeoutSeconds}) or narrow the command\n`,
        );
        return exitCodes.timeout;
      case 'spawn_failed':
        io.stderr.write(
          `kubently: the executor of "${clusterId}" could not start kubectl: ${escapeTerminalText(failure.message)}\n  fix the executor's kubectl path (--kubectl / KUBENTLY_KUBECTL) and restart it\n`,
        );
        return exitCodes.executorUnavailable;
      case 'executor_error':
        io.stderr.write(
          `kubently: the executor of "${clusterId}" failed: ${escapeTerminalText(failure.message)}\n  check it with \`kubently clusters list --api-url ${url}\` and retry\n`,
        );
        return exitCodes.executorUnavailable;
      case 'output_too_large':
        io.stderr.write(`kubently: the result was too large to send: ${failure.message}\n`);
        return exitCodes.error;
    }
  }
  if (response.status === 'queued' || response.status === 'running') {
    io.stderr.write(`kubently: command ${response.id} is still ${response.status}\n`);
    return exitCodes.timeout;
  }
  return response.exitCode ?? exitCodes.error;
}

function explain(error: unknown, clusterId: string, url: string, timeoutSeconds: number): unknown {
  if (!(error instanceof KubentlyError)) return error;
  const again = (message: string): KubentlyError =>
    new KubentlyError(error.code, message, { cause: error, details: error.details });
  const { code } = error;
  if (code === 'policy_denied') return again(`denied by policy: ${error.message}`);
  if (code === 'executor_unavailable') {
    return again(
      `no executor is connected for cluster "${clusterId}"\n  start one: kubently executor --api-url ${url} --cluster ${clusterId} --token <cluster token>\n  lost the token? kubently clusters rotate-token ${clusterId}`,
    );
  }
  if (code === 'command_timeout') {
    return again(
      `the command on "${clusterId}" did not finish within ${timeoutSeconds}s\n  raise --timeout (max ${commandLimits.maxTimeoutSeconds}), narrow the command, or check the executor with \`kubently clusters list\``,
    );
  }
  if (code === 'cluster_not_found') {
    return again(
      `cluster "${clusterId}" is not registered on ${url}: add it with \`kubently clusters add ${clusterId}\``,
    );
  }
  return error;
}
