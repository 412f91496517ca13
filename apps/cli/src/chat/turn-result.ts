import type { AgentStreamError, AgentStreamFinal, StreamTokenUsage } from '@kubently/protocol';

import { isFinalState } from './task-state-name.js';
import type { TaskStateName } from './task-state-name.js';
import type { TurnEvent } from './turn-event.js';

export interface ToolCallRecord {
  readonly id: string;
  readonly tool: string;
  readonly args: unknown;
  /** `null` while the call is still running (or when the turn ended before it finished). */
  readonly outcome: 'ok' | 'error' | 'denied' | null;
  readonly durationMs: number | null;
  readonly summary: string | null;
}

/** Everything one turn produced; `kubently ask -o json` prints most of it. */
export interface TurnResult {
  readonly taskId: string | null;
  readonly contextId: string | null;
  readonly state: TaskStateName;
  /** The `answer` artifact, else the streamed text. */
  readonly answer: string;
  readonly streamedText: string;
  readonly toolCalls: readonly ToolCallRecord[];
  readonly usage: StreamTokenUsage | null;
  readonly costUsd: number | null;
  readonly final: AgentStreamFinal | null;
  readonly error: AgentStreamError | null;
  /** The server's status message on failure, when it sent no typed error. */
  readonly statusMessage: string;
}

export interface TurnAccumulator {
  add(event: TurnEvent): void;
  /** Marks the turn canceled by the user (the stream may end before the server says so). */
  markCanceled(): void;
  result(): TurnResult;
}

export function createTurnAccumulator(): TurnAccumulator {
  let taskId: string | null = null;
  let contextId: string | null = null;
  let state: TaskStateName = 'submitted';
  let answer: string | null = null;
  let streamedText = '';
  const toolCalls = new Map<string, ToolCallRecord>();
  let usage: StreamTokenUsage | null = null;
  let costUsd: number | null = null;
  let final: AgentStreamFinal | null = null;
  let error: AgentStreamError | null = null;
  let statusMessage = '';
  let isCanceledByUser = false;

  return {
    add(event) {
      switch (event.type) {
        case 'task':
          taskId = event.taskId;
          contextId = event.contextId;
          return;
        case 'answer':
          answer = event.append ? `${answer ?? ''}${event.text}` : event.text;
          if (event.final !== undefined) {
            final = event.final;
            usage = event.final.usage;
            costUsd = event.final.costUsd;
          }
          return;
        case 'state':
          state = event.state;
          if (event.error !== undefined) error = event.error;
          if (event.message !== '') statusMessage = event.message;
          return;
        case 'stream': {
          const stream = event.event;
          switch (stream.type) {
            case 'text-delta':
              streamedText += stream.text;
              return;
            case 'tool-call-started':
              toolCalls.set(stream.id, {
                id: stream.id,
                tool: stream.tool,
                args: stream.args,
                outcome: null,
                durationMs: null,
                summary: null,
              });
              return;
            case 'tool-call-finished': {
              const started = toolCalls.get(stream.id);
              toolCalls.set(stream.id, {
                id: stream.id,
                tool: stream.tool,
                args: started?.args ?? null,
                outcome: stream.outcome,
                durationMs: stream.durationMs,
                summary: stream.summary,
              });
              return;
            }
            case 'usage':
              if (final === null) {
                usage = stream.total;
                costUsd = stream.costUsd;
              }
              return;
          }
        }
      }
    },
    markCanceled() {
      isCanceledByUser = true;
    },
    result: () => ({
      taskId,
      contextId,
      state: isCanceledByUser && !isFinalState(state) ? 'canceled' : state,
      answer: answer ?? streamedText,
      streamedText,
      toolCalls: [...toolCalls.values()],
      usage,
      costUsd,
      final,
      error,
      statusMessage,
    }),
  };
}
