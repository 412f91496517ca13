import type { Message, SendMessageRequest, StreamResponse, Task } from '@a2a-js/sdk';
import { Role } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import type { Client, RequestOptions } from '@a2a-js/sdk/client';
import { agentStreamMetadataKey } from '@kubently/protocol';

let counter = 0;

/** A user message with a text part and optional metadata (`{clusterId, namespace}`). */
export const userMessage = (
  text: string,
  metadata: Record<string, unknown> = {},
  contextId = '',
): SendMessageRequest => {
  counter += 1;
  const message: Message = {
    messageId: `m-${Date.now()}-${counter}`,
    contextId,
    taskId: '',
    role: Role.ROLE_USER,
    parts: [{ content: { $case: 'text', value: text }, mediaType: 'text/plain', filename: '', metadata: {} }],
    metadata,
    extensions: [],
    referenceTaskIds: [],
  };
  return { tenant: '', message, configuration: undefined, metadata: undefined };
};

/** The SDK client for the server's card, plus request options carrying an API key. */
export const a2aClient = async (url: string): Promise<Client> => new ClientFactory().createFromUrl(url);

export const withKey = (key: string | null, signal?: AbortSignal): RequestOptions => ({
  ...(key === null ? {} : { serviceParameters: { 'X-API-Key': key } }),
  ...(signal === undefined ? {} : { signal }),
});

/** One stream response reduced to what tests compare: its kind, state and kubently metadata. */
export interface Seen {
  readonly kind: 'task' | 'message' | 'statusUpdate' | 'artifactUpdate';
  readonly state?: number | undefined;
  readonly kubently?: Record<string, unknown> | undefined;
  readonly text?: string | undefined;
  readonly artifactName?: string | undefined;
  readonly taskId?: string | undefined;
}

const textOf = (parts: readonly { content?: { $case: string; value?: unknown } | undefined }[]): string =>
  parts.map((part) => (part.content?.$case === 'text' ? String(part.content.value) : '')).join('');

export const describeResponse = (response: StreamResponse): Seen => {
  const payload = response.payload;
  if (payload === undefined) throw new Error('empty stream response');
  switch (payload.$case) {
    case 'task':
      return {
        kind: 'task',
        state: payload.value.status?.state,
        taskId: payload.value.id,
        kubently: payload.value.metadata?.[agentStreamMetadataKey] as Record<string, unknown> | undefined,
      };
    case 'message':
      return { kind: 'message', text: textOf(payload.value.parts) };
    case 'statusUpdate':
      return {
        kind: 'statusUpdate',
        state: payload.value.status?.state,
        taskId: payload.value.taskId,
        kubently: payload.value.metadata?.[agentStreamMetadataKey] as Record<string, unknown> | undefined,
        text:
          payload.value.status?.message === undefined
            ? undefined
            : textOf(payload.value.status.message.parts),
      };
    case 'artifactUpdate':
      return {
        kind: 'artifactUpdate',
        taskId: payload.value.taskId,
        artifactName: payload.value.artifact?.name,
        text: textOf(payload.value.artifact?.parts ?? []),
        kubently: payload.value.artifact?.metadata?.[agentStreamMetadataKey] as
          Record<string, unknown> | undefined,
      };
  }
};

/** Reads a whole stream. */
export const collect = async (stream: AsyncGenerator<StreamResponse>): Promise<Seen[]> => {
  const seen: Seen[] = [];
  for await (const response of stream) seen.push(describeResponse(response));
  return seen;
};

export const answerOf = (task: Task): string =>
  textOf(task.artifacts.find((artifact) => artifact.name === 'answer')?.parts ?? []);
