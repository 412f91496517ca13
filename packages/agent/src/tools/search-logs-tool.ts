import { clusterIdSchema, namespaceSchema } from '@kubently/protocol';
import { tool } from 'ai';
import { z } from 'zod';

import { capOutput } from './cap-output.js';
import { kubectlToolResult } from './kubectl-tool-result.js';
import { runCheckedKubectl } from './run-kubectl.js';
import { chooseCluster } from './tool-context.js';
import type { ToolContext } from './tool-context.js';
import { toolFailure } from './tool-result.js';
import type { ToolResult } from './tool-result.js';
import { wrapUntrusted } from '@kubently/protocol';

const maxMatches = 200;

function matcher(
  query: string,
  isRegex: boolean,
  isCaseSensitive: boolean,
): ((line: string) => boolean) | string {
  if (!isRegex) {
    const needle = isCaseSensitive ? query : query.toLowerCase();
    return (line) => (isCaseSensitive ? line : line.toLowerCase()).includes(needle);
  }
  try {
    const pattern = new RegExp(query, isCaseSensitive ? '' : 'i');
    return (line) => pattern.test(line.slice(0, 4_000));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export const searchLogsInputSchema = z.object({
  pod: z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'a pod name'),
  namespace: namespaceSchema,
  query: z.string().min(1).max(200),
  isRegex: z.boolean().default(false),
  isCaseSensitive: z.boolean().default(false),
  container: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/)
    .optional(),
  previous: z.boolean().default(false).describe('Logs of the previous (crashed) container instance.'),
  since: z
    .string()
    .regex(/^[0-9]+[smh]$/, 'a duration such as 30m or 2h')
    .optional(),
  tailLines: z.number().int().min(1).max(10_000).default(2_000),
  contextLines: z.number().int().min(0).max(5).default(0),
  clusterId: clusterIdSchema.optional(),
});

export function searchLogsTool(context: ToolContext) {
  return tool({
    description:
      "Search one pod's logs for a text or regular expression and return only the matching lines with line numbers (and optional context). " +
      'Cheaper than reading whole logs; use previous=true for the crashed container.',
    inputSchema: searchLogsInputSchema,
    execute: async (raw, { abortSignal }): Promise<ToolResult> => {
      // Parsed again so direct callers (MCP, tests) get the defaults too.
      const input = searchLogsInputSchema.parse(raw);

      const matches = matcher(input.query, input.isRegex, input.isCaseSensitive);
      if (typeof matches === 'string')
        return toolFailure('invalid_query', `the regular expression does not compile: ${matches}`);
      const signal = abortSignal ?? new AbortController().signal;
      const choice = await chooseCluster(context, input.clusterId, signal);
      if (choice.type === 'failure') return choice.result;
      const args = ['logs', input.pod, `--tail=${input.tailLines}`];
      if (input.container !== undefined) args.push('-c', input.container);
      if (input.previous) args.push('--previous');
      if (input.since !== undefined) args.push(`--since=${input.since}`);
      const run = await runCheckedKubectl(
        context,
        { clusterId: choice.clusterId, args, namespace: input.namespace },
        signal,
      );
      if (run.type !== 'result' || run.exitCode !== 0 || run.isForbidden) {
        return kubectlToolResult(run, context.toolOutputChars, 'tail');
      }
      const lines = run.stdout.split('\n');
      const keep = new Set<number>();
      let count = 0;
      lines.forEach((line, index) => {
        if (count >= maxMatches || !matches(line)) return;
        count += 1;
        for (let near = index - input.contextLines; near <= index + input.contextLines; near += 1) {
          if (near >= 0 && near < lines.length) keep.add(near);
        }
      });
      const text = [...keep]
        .sort((left, right) => left - right)
        .map((index) => `${index + 1}: ${lines[index] ?? ''}`)
        .join('\n');
      const capped = capOutput(
        text === '' ? 'No matching lines.\n' : `${text}\n`,
        context.toolOutputChars,
        'head',
        'Use a more specific query or a shorter --since.',
      );
      return {
        ok: true,
        summary: `${count}${count >= maxMatches ? '+' : ''} matching line${count === 1 ? '' : 's'} in ${lines.length} searched`,
        command: run.command,
        matches: wrapUntrusted(capped.text),
        truncated: capped.isTruncated || count >= maxMatches || run.executorTruncated,
      };
    },
  });
}
