import type { Message, Part, StreamResponse } from '@a2a-js/sdk';
import type { AgentStreamError, AgentStreamEvent, AgentStreamFinal } from '@kubently/protocol';

import { readStreamError, readStreamEvent, readStreamFinal } from './kubently-metadata.js';
import { taskStateName } from './task-state-name.js';
import type { TaskStateName } from './task-state-name.js';

/** The name of the artifact that holds the agent's answer (packages/protocol agent-stream.ts). */
export const answerArtifactName = 'answer';

/** What one A2A stream response means to a chat turn, in the order it arrived. */
export type TurnEvent =
  | { readonly type: 'task'; readonly taskId: string; readonly contextId: string }
  | { readonly type: 'stream'; readonly event: AgentStreamEvent }
  | {
      readonly type: 'answer';
      readonly text: string;
      /** Append to the answer so far instead of replacing it. */
      readonly append: boolean;
      readonly final: AgentStreamFinal | undefined;
    }
  | {
      readonly type: 'state';
      readonly state: TaskStateName;
      readonly error: AgentStreamError | undefined;
      /** Text of the status message, if the server sent one (a failure reason). */
      readonly message: string;
    };

export function textOf(parts: readonly Part[]): string {
  return parts.map((part) => (part.content?.$case === 'text' ? part.content.value : '')).join('');
}

function messageText(message: Message | undefined): string {
  return message === undefined ? '' : textOf(message.parts);
}

/** Decodes one stream response; responses that mean nothing to a turn give no events. */
export function toTurnEvents(response: StreamResponse): TurnEvent[] {
  const payload = response.payload;
  if (payload === undefined) return [];
  switch (payload.$case) {
    case 'task': {
      const task = payload.value;
      const events: TurnEvent[] = [{ type: 'task', taskId: task.id, contextId: task.contextId }];
      for (const artifact of task.artifacts) {
        if (artifact.name !== answerArtifactName) continue;
        events.push({
          type: 'answer',
          text: textOf(artifact.parts),
          append: false,
          final: readStreamFinal(artifact.metadata, task.metadata),
        });
      }
      const status = task.status;
      if (status !== undefined) {
        events.push({
          type: 'state',
          state: taskStateName(status.state),
          error: readStreamError(task.metadata, status.message?.metadata),
          message: messageText(status.message),
        });
      }
      return events;
    }
    case 'message': {
      // A bare message is a complete answer without a task.
      const message = payload.value;
      return [
        {
          type: 'answer',
          text: messageText(message),
          append: false,
          final: readStreamFinal(message.metadata),
        },
        { type: 'state', state: 'completed', error: undefined, message: '' },
      ];
    }
    case 'statusUpdate': {
      const update = payload.value;
      const state = update.status === undefined ? 'working' : taskStateName(update.status.state);
      const statusMetadata = update.status?.message?.metadata;
      const streamEvent = readStreamEvent(update.metadata, statusMetadata);
      const events: TurnEvent[] = streamEvent === undefined ? [] : [{ type: 'stream', event: streamEvent }];
      events.push({
        type: 'state',
        state,
        error: readStreamError(update.metadata, statusMetadata),
        message: messageText(update.status?.message),
      });
      return events;
    }
    case 'artifactUpdate': {
      const update = payload.value;
      const artifact = update.artifact;
      if (artifact === undefined || artifact.name !== answerArtifactName) return [];
      return [
        {
          type: 'answer',
          text: textOf(artifact.parts),
          append: update.append,
          final: readStreamFinal(artifact.metadata, update.metadata),
        },
      ];
    }
  }
}
