import { clusterIdSchema, commandLimits, namespaceSchema } from '@kubently/protocol';
import { tool } from 'ai';
import { z } from 'zod';

import { capOutput } from './cap-output.js';
import { runCheckedKubectl } from './run-kubectl.js';
import type { CheckedRun } from './run-kubectl.js';
import { chooseCluster } from './tool-context.js';
import type { ToolContext } from './tool-context.js';
import { firstLine, toolFailure } from './tool-result.js';
import type { ToolResult } from './tool-result.js';
import { wrapUntrusted } from './untrusted.js';

export const executeKubectlInputSchema = z.object({
  args: z
    .array(z.string().min(1).max(commandLimits.maxArgLength))
    .min(1)
    .max(commandLimits.maxArgs)
    .describe(
      'kubectl arguments as a list, without "kubectl", e.g. ["get","pods","-o","wide"]. No shell syntax.',
    ),
  clusterId: clusterIdSchema.optional().describe('Target cluster; defaults to the selected cluster.'),
  namespace: namespaceSchema
    .optional()
    .describe('Namespace, added as --namespace unless args name one or use -A.'),
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(120)
    .optional()
    .describe('Command timeout (default: the server default).'),
});

const narrowHint =
  'Narrow the query: name one resource, add -n NAMESPACE, -l LABEL=VALUE or --field-selector, ' +
  'use -o custom-columns=... or jsonpath instead of -o yaml/json, or --tail=N / --since=10m for logs.';

/** Converts a checked run into what the model reads; shared by the kubectl-based tools. */
export function kubectlToolResult(run: CheckedRun, maxChars: number, keep: 'head' | 'tail'): ToolResult {
  switch (run.type) {
    case 'denied':
      return toolFailure('policy_denied', run.reason, { command: run.command });
    case 'failure':
      return toolFailure(run.code, run.message, { command: run.command });
    case 'result': {
      const stdout = capOutput(run.stdout, maxChars, keep, narrowHint);
      const stderr = capOutput(run.stderr, Math.min(4_000, maxChars), 'tail', narrowHint);
      const base = {
        command: run.command,
        exitCode: run.exitCode,
        output: wrapUntrusted(stdout.text),
        ...(run.stderr.trim() === '' ? {} : { stderr: wrapUntrusted(stderr.text) }),
        truncated: stdout.isTruncated || run.executorTruncated,
        ...(run.executorTruncated
          ? { note: `the executor cut this output at its own size cap. ${narrowHint}` }
          : {}),
      };
      if (run.isForbidden) {
        return toolFailure(
          'rbac_forbidden',
          `Kubernetes RBAC denied the executor: ${firstLine(run.stderr)}`,
          base,
        );
      }
      if (run.exitCode !== 0) {
        return toolFailure(
          'kubectl_failed',
          `kubectl exited with ${run.exitCode}: ${firstLine(run.stderr)}`,
          base,
        );
      }
      const lines = run.stdout === '' ? 0 : run.stdout.trimEnd().split('\n').length;
      return {
        ok: true,
        summary: `exit 0, ${lines} line${lines === 1 ? '' : 's'}${base.truncated ? ', truncated' : ''}`,
        ...base,
      };
    }
  }
}

export function executeKubectlTool(context: ToolContext) {
  return tool({
    description:
      'Run one read-only kubectl command on a cluster (get, describe, logs, events, top, explain, auth can-i, rollout history...). ' +
      'Returns the exit code and output; failures and policy denials come back with ok:false and the reason.',
    inputSchema: executeKubectlInputSchema,
    execute: async (input, { abortSignal }): Promise<ToolResult> => {
      const signal = abortSignal ?? new AbortController().signal;
      const choice = await chooseCluster(context, input.clusterId, signal);
      if (choice.type === 'failure') return choice.result;
      const run = await runCheckedKubectl(
        context,
        {
          clusterId: choice.clusterId,
          args: input.args,
          namespace: input.namespace,
          timeoutSeconds: input.timeoutSeconds,
        },
        signal,
      );
      const isLogs = (input.args[0] === 'kubectl' ? input.args[1] : input.args[0]) === 'logs';
      return kubectlToolResult(run, context.toolOutputChars, isLogs ? 'tail' : 'head');
    },
  });
}
