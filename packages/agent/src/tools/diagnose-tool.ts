import { clusterIdSchema, namespaceSchema, wrapUntrusted } from '@kubently/protocol';
import { tool } from 'ai';
import { z } from 'zod';

import { compactReportText } from './compact-report.js';
import { scrubSecrets } from './scrub-secrets.js';
import { chooseCluster } from './tool-context.js';
import type { ToolContext } from './tool-context.js';
import { toolFailure } from './tool-result.js';
import type { ToolResult } from './tool-result.js';

export function diagnoseTool(context: ToolContext) {
  return tool({
    description:
      'Run the diagnosis engine on a fresh snapshot of the cluster: returns root causes (with evidence commands and fixes) and the symptoms they explain. Start here.',
    inputSchema: z.object({
      clusterId: clusterIdSchema.optional(),
      namespace: namespaceSchema.optional().describe('Limit findings to one namespace.'),
    }),
    execute: async (input, { abortSignal }): Promise<ToolResult> => {
      const diagnose = context.gateway.diagnose?.bind(context.gateway);
      if (diagnose === undefined) {
        return toolFailure(
          'not_available',
          'the diagnosis engine is not available here: use execute_kubectl and get_events',
        );
      }
      const signal = abortSignal ?? new AbortController().signal;
      const choice = await chooseCluster(context, input.clusterId, signal);
      if (choice.type === 'failure') return choice.result;
      try {
        const report = await diagnose({
          clusterId: choice.clusterId,
          ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
          signal,
        });
        return {
          ok: true,
          summary: `${report.findings.length} root cause${report.findings.length === 1 ? '' : 's'}, ${report.symptoms.length} symptom${report.symptoms.length === 1 ? '' : 's'}`,
          collectedAt: report.collectedAt,
          report: wrapUntrusted(compactReportText(report)),
        };
      } catch (error) {
        if (signal.aborted) throw error;
        // The message can quote kubectl's stderr from the collection: it goes in the block only.
        const message = error instanceof Error ? error.message : String(error);
        return toolFailure('diagnosis_failed', 'the diagnosis engine could not run; see detail', {
          detail: wrapUntrusted(scrubSecrets(message).text),
        });
      }
    },
  });
}
