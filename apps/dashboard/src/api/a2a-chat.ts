import { agentStreamErrorSchema, agentStreamEventSchema, agentStreamFinalSchema } from '@kubently/protocol';
import type { AgentStreamEvent, AgentStreamFinal } from '@kubently/protocol';
import { z } from 'zod';

import type { ApiClient } from './api-client.js';
import { ApiError } from './api-error.js';
import { jsonOrNull, readSse } from './sse-reader.js';

/** What the dashboard reads of an A2A 1.0 stream frame; anything else in it is ignored. */
const metadataSchema = z.object({ kubently: z.unknown().optional() }).loose().optional();
const textPartsSchema = z.array(z.object({ text: z.string().optional() }).loose());
const statusSchema = z
  .object({
    state: z.string(),
    message: z.object({ parts: textPartsSchema.optional(), metadata: metadataSchema }).loose().optional(),
  })
  .loose();
const frameSchema = z.object({
  jsonrpc: z.literal('2.0'),
  result: z
    .object({
      task: z.object({ id: z.string(), contextId: z.string(), status: statusSchema }).loose().optional(),
      statusUpdate: z
        .object({ taskId: z.string(), status: statusSchema, metadata: metadataSchema })
        .loose()
        .optional(),
      artifactUpdate: z
        .object({
          taskId: z.string(),
          artifact: z
            .object({ name: z.string().optional(), parts: textPartsSchema, metadata: metadataSchema })
            .loose(),
        })
        .loose()
        .optional(),
    })
    .loose()
    .optional(),
  error: z.object({ code: z.number(), message: z.string() }).optional(),
});

export type ChatUpdate =
  | { readonly type: 'task'; readonly taskId: string; readonly contextId: string }
  | { readonly type: 'event'; readonly event: AgentStreamEvent }
  | { readonly type: 'answer'; readonly text: string; readonly final: AgentStreamFinal | null }
  | { readonly type: 'ended'; readonly state: 'completed' | 'failed' | 'canceled'; readonly message: string };

export interface ChatTurnInput {
  readonly text: string;
  readonly contextId?: string | undefined;
  readonly clusterId?: string | undefined;
  readonly namespace?: string | undefined;
}

const a2aHeaders = { 'A2A-Version': '1.0', 'Content-Type': 'application/json', Accept: 'text/event-stream' };

const endStates: Readonly<Record<string, 'completed' | 'failed' | 'canceled'>> = {
  TASK_STATE_COMPLETED: 'completed',
  TASK_STATE_FAILED: 'failed',
  TASK_STATE_CANCELED: 'canceled',
  TASK_STATE_REJECTED: 'failed',
};

const textOf = (parts: readonly { text?: string | undefined }[] | undefined): string =>
  (parts ?? []).map((part) => part.text ?? '').join('');

/** Translates one frame into the updates the chat shows. */
export const updatesOf = (data: unknown): ChatUpdate[] => {
  const frame = frameSchema.safeParse(data);
  if (!frame.success) return [];
  if (frame.data.error !== undefined) {
    return [{ type: 'ended', state: 'failed', message: frame.data.error.message }];
  }
  const result = frame.data.result;
  const updates: ChatUpdate[] = [];
  if (result?.task !== undefined) {
    updates.push({ type: 'task', taskId: result.task.id, contextId: result.task.contextId });
  }
  if (result?.statusUpdate !== undefined) {
    const { status, metadata } = result.statusUpdate;
    const event = agentStreamEventSchema.safeParse(metadata?.kubently);
    if (event.success) updates.push({ type: 'event', event: event.data });
    const ended = endStates[status.state];
    if (ended !== undefined) {
      const error = agentStreamErrorSchema.safeParse(
        metadata?.kubently ?? status.message?.metadata?.kubently,
      );
      updates.push({
        type: 'ended',
        state: ended,
        message: error.success ? `${error.data.code}: ${error.data.message}` : textOf(status.message?.parts),
      });
    }
  }
  if (result?.artifactUpdate !== undefined) {
    const { artifact } = result.artifactUpdate;
    const final = agentStreamFinalSchema.safeParse(artifact.metadata?.kubently);
    updates.push({ type: 'answer', text: textOf(artifact.parts), final: final.success ? final.data : null });
  }
  return updates;
};

/**
 * One question over A2A (`SendStreamingMessage`, JSON-RPC over SSE): every update as it arrives.
 * `contextId` continues a conversation (the server keeps its memory per caller).
 */
export const streamTurn = async (
  api: ApiClient,
  input: ChatTurnInput,
  onUpdate: (update: ChatUpdate) => void,
  signal: AbortSignal,
): Promise<void> => {
  const metadata = {
    ...(input.clusterId === undefined ? {} : { clusterId: input.clusterId }),
    ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
  };
  const body = {
    jsonrpc: '2.0',
    id: crypto.randomUUID(),
    method: 'SendStreamingMessage',
    params: {
      message: {
        messageId: crypto.randomUUID(),
        role: 'ROLE_USER',
        parts: [{ text: input.text }],
        ...(input.contextId === undefined ? {} : { contextId: input.contextId }),
        metadata,
      },
    },
  };
  const response = await api.open('/a2a', {
    method: 'POST',
    headers: a2aHeaders,
    body: JSON.stringify(body),
    signal,
  });
  if (response.body === null) throw new ApiError('bad_response', 'the agent answered without a stream', 0);
  for await (const message of readSse(response.body)) {
    for (const update of updatesOf(jsonOrNull(message.data))) onUpdate(update);
  }
};

/** `CancelTask`: the server stops the agent; the open stream then ends with TASK_STATE_CANCELED. */
export const cancelTask = async (api: ApiClient, taskId: string): Promise<void> => {
  await api.open('/a2a', {
    method: 'POST',
    headers: { 'A2A-Version': '1.0', 'Content-Type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: crypto.randomUUID(),
      method: 'CancelTask',
      params: { id: taskId },
    }),
  });
};
