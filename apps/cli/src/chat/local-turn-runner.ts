import type { Agent, AgentEvent } from '@kubently/agent';

import type { RunTurnOptions } from './run-turn.js';
import type { TurnEvent } from './turn-event.js';
import { createTurnAccumulator } from './turn-result.js';
import type { TurnResult } from './turn-result.js';

/** What a chat turn needs, whether the agent runs on a server (A2A) or in this process. */
export type TurnRunner = (options: Omit<RunTurnOptions, 'client' | 'cancelGraceMs'>) => Promise<TurnResult>;

/** The agent's own events as the turn events the printer and `-o json` already understand. */
const streamEvent = (event: AgentEvent): TurnEvent | null => {
  switch (event.type) {
    case 'text-delta':
    case 'tool-call-started':
    case 'tool-call-finished':
    case 'usage':
      return { type: 'stream', event };
    case 'final':
    case 'error':
      return null;
  }
};

/**
 * Turns for `ask`/`debug --kubeconfig`: the agent runs in this process against the local context.
 * The A2A context id becomes the conversation id, so follow-up questions in `debug` share memory.
 */
export function createLocalTurnRunner(agent: Agent, clusterId: string): TurnRunner {
  let conversations = 0;
  return async (options) => {
    const accumulator = createTurnAccumulator();
    const feed = (event: TurnEvent): void => {
      accumulator.add(event);
      options.onEvent(event);
    };
    conversations += 1;
    const conversationId = options.contextId ?? `local-${String(conversations)}`;
    feed({ type: 'task', taskId: options.messageId, contextId: conversationId });
    feed({ type: 'state', state: 'working', error: undefined, message: '' });
    const last = await agent.run({
      question: options.text,
      conversationId,
      clusterId: options.metadata.clusterId ?? clusterId,
      ...(options.metadata.namespace === undefined ? {} : { namespace: options.metadata.namespace }),
      signal: options.signal,
      onEvent: (event) => {
        const turnEvent = streamEvent(event);
        if (turnEvent !== null) feed(turnEvent);
      },
    });
    if (last.type === 'final') {
      const { answer, usage, costUsd, steps, stopReason, mode } = last;
      feed({
        type: 'answer',
        text: answer,
        append: false,
        final: { type: 'final', usage, costUsd, steps, stopReason, mode, clusterId },
      });
      feed({ type: 'state', state: 'completed', error: undefined, message: '' });
    } else {
      const error = { type: 'error' as const, code: last.code, message: last.message };
      if (last.code === 'cancelled') accumulator.markCanceled();
      feed({
        type: 'state',
        state: last.code === 'cancelled' ? 'canceled' : 'failed',
        error,
        message: last.message,
      });
    }
    return accumulator.result();
  };
}
