import { randomUUID } from 'node:crypto';

import type { McpAskAnswer } from '@kubently/protocol';

import { openAgentClient, runTurn } from '../chat/index.js';
import type { TurnEvent } from '../chat/index.js';
import type { Connection } from '../config/index.js';
import type { AskInput } from './mcp-backend.js';
import { McpToolError } from './tool-error.js';

const progressOf = (event: TurnEvent): string | null => {
  if (event.type !== 'stream') return null;
  const stream = event.event;
  switch (stream.type) {
    case 'tool-call-started':
      return `running ${stream.tool} ${JSON.stringify(stream.args)}`;
    case 'tool-call-finished':
      return `${stream.tool}: ${stream.summary} (${Math.round(stream.durationMs)} ms)`;
    case 'text-delta':
    case 'usage':
      return null;
  }
};

/**
 * `ask_kubently` against a server: one A2A streaming turn (the server's agent acts as the API key's
 * identity); tool calls become progress messages; `conversationId` is the A2A context id.
 */
export const askOverA2a = async (
  options: { readonly connection: Connection; readonly fetch: typeof fetch },
  input: AskInput,
  signal: AbortSignal,
  onProgress: (message: string) => void,
): Promise<McpAskAnswer> => {
  const agent = await openAgentClient({ connection: options.connection, fetch: options.fetch, signal });
  const result = await runTurn({
    client: agent,
    text: input.question,
    messageId: randomUUID(),
    contextId: input.conversationId,
    metadata: {
      ...(input.clusterId === undefined ? {} : { clusterId: input.clusterId }),
      ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
    },
    signal,
    onEvent: (event) => {
      const message = progressOf(event);
      if (message !== null) onProgress(message);
    },
  });
  const { final } = result;
  if (result.state !== 'completed' || final === null) {
    throw new McpToolError(
      result.error?.code ?? (result.state === 'canceled' ? 'cancelled' : 'internal'),
      result.error?.message ??
        (result.statusMessage === '' ? `the agent task ended ${result.state}` : result.statusMessage),
    );
  }
  return {
    answer: result.answer,
    mode: final.mode,
    stopReason: final.stopReason,
    steps: final.steps,
    usage: final.usage,
    costUsd: final.costUsd,
    conversationId: result.contextId ?? input.conversationId ?? '',
  };
};
