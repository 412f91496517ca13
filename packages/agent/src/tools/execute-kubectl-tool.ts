import { clusterIdSchema, commandLimits, namespaceSchema } from '@kubently/protocol';
import { tool } from 'ai';
import { z } from 'zod';

import { kubectlToolResult } from './kubectl-tool-result.js';
import { runCheckedKubectl } from './run-kubectl.js';
import { chooseCluster } from './tool-context.js';
import type { ToolContext } from './tool-context.js';
import type { ToolResult } from './tool-result.js';

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
