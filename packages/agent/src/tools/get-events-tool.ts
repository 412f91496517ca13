import { clusterIdSchema, namespaceSchema } from '@kubently/protocol';
import { tool } from 'ai';
import { z } from 'zod';

import { capOutput } from './cap-output.js';
import { runCheckedKubectl } from './run-kubectl.js';
import { kubectlToolResult } from './kubectl-tool-result.js';
import { chooseCluster } from './tool-context.js';
import type { ToolContext } from './tool-context.js';
import type { ToolResult } from './tool-result.js';
import { wrapUntrusted } from '@kubently/protocol';

const kindSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,62}$/, 'a kind such as Pod or Deployment');
const nameSchema = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'a Kubernetes object name');

const ownerSchema = z.object({
  metadata: z.object({
    ownerReferences: z
      .array(z.object({ kind: z.string(), name: z.string(), controller: z.boolean().optional() }))
      .optional(),
  }),
});
const eventListSchema = z.object({
  items: z.array(
    z.object({
      type: z.string().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
      count: z.number().optional(),
      lastTimestamp: z.string().nullable().optional(),
      eventTime: z.string().nullable().optional(),
      firstTimestamp: z.string().nullable().optional(),
      involvedObject: z.object({ kind: z.string().optional(), name: z.string().optional() }),
    }),
  ),
});

interface ObjectName {
  readonly kind: string;
  readonly name: string;
}

const maxOwnerDepth = 3;

function parseJson<T>(schema: z.ZodType<T>, text: string): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function getEventsTool(context: ToolContext) {
  return tool({
    description:
      'Events for one object and its owners (Pod → ReplicaSet → Deployment, Pod → Job → CronJob), oldest first. ' +
      'Use it early: events usually name the cause (FailedScheduling, FailedMount, BackOff, FailedCreate).',
    inputSchema: z.object({
      kind: kindSchema.describe('Kind of the object, e.g. Pod, Deployment, StatefulSet, Service.'),
      name: nameSchema,
      namespace: namespaceSchema,
      clusterId: clusterIdSchema.optional(),
    }),
    execute: async (input, { abortSignal }): Promise<ToolResult> => {
      const signal = abortSignal ?? new AbortController().signal;
      const choice = await chooseCluster(context, input.clusterId, signal);
      if (choice.type === 'failure') return choice.result;
      const call = (args: string[]) =>
        runCheckedKubectl(context, { clusterId: choice.clusterId, args, namespace: input.namespace }, signal);

      const chain: ObjectName[] = [{ kind: input.kind, name: input.name }];
      const commands: string[] = [];
      let skippedOwner = false;
      for (let depth = 0; depth < maxOwnerDepth; depth += 1) {
        const current = chain[chain.length - 1];
        if (current === undefined) break;
        const run = await call(['get', current.kind.toLowerCase(), current.name, '-o', 'json']);
        commands.push(run.command);
        if (run.type !== 'result' || run.exitCode !== 0 || run.isForbidden) {
          if (depth === 0) return kubectlToolResult(run, context.toolOutputChars, 'head');
          break;
        }
        const owners = parseJson(ownerSchema, run.stdout)?.metadata.ownerReferences ?? [];
        const owner = owners.find((reference) => reference.controller === true) ?? owners[0];
        if (owner === undefined) break;
        // Owner references are object fields anyone who writes the object can set: a kind or name
        // that is not a plain Kubernetes token is neither run nor named in the summary.
        if (!kindSchema.safeParse(owner.kind).success || !nameSchema.safeParse(owner.name).success) {
          skippedOwner = true;
          break;
        }
        chain.push({ kind: owner.kind, name: owner.name });
      }

      const lines: { time: string; text: string }[] = [];
      for (const object of chain) {
        const run = await call([
          'get',
          'events',
          '--field-selector',
          `involvedObject.kind=${object.kind},involvedObject.name=${object.name}`,
          '-o',
          'json',
        ]);
        commands.push(run.command);
        if (run.type !== 'result' || run.exitCode !== 0 || run.isForbidden) {
          return kubectlToolResult(run, context.toolOutputChars, 'head');
        }
        for (const event of parseJson(eventListSchema, run.stdout)?.items ?? []) {
          const time = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp ?? '';
          lines.push({
            time,
            text: `${time || '-'} ${event.type ?? '-'} ${event.reason ?? '-'} ${object.kind}/${object.name}: ${(event.message ?? '').trim()}${(event.count ?? 1) > 1 ? ` (x${event.count})` : ''}`,
          });
        }
      }
      lines.sort((left, right) => left.time.localeCompare(right.time));
      const text =
        lines.length === 0
          ? 'No events (events expire after about an hour by default).\n'
          : `${lines.map((line) => line.text).join('\n')}\n`;
      const capped = capOutput(
        text,
        context.toolOutputChars,
        'tail',
        'Ask for one object lower in the chain, or use execute_kubectl with "events --for KIND/NAME".',
      );
      const warnings = lines.filter((line) => line.text.includes(' Warning ')).length;
      return {
        ok: true,
        summary: `${lines.length} event${lines.length === 1 ? '' : 's'} (${warnings} warning${warnings === 1 ? '' : 's'}) for ${chain.map((object) => `${object.kind}/${object.name}`).join(' ← ')}`,
        chain: chain.map((object) => `${object.kind}/${object.name}`),
        commands,
        events: wrapUntrusted(capped.text),
        truncated: capped.isTruncated,
        ...(skippedOwner
          ? { note: 'an owner reference with a kind or name that is not a Kubernetes name was not followed' }
          : {}),
      };
    },
  });
}
