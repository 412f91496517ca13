import { z } from 'zod';

import type { ChatUpdate } from '../api/a2a-chat.js';
import { commandLine } from '../ui/format.js';

export interface ToolCall {
  readonly id: string;
  readonly tool: string;
  readonly label: string;
  readonly outcome: 'running' | 'ok' | 'error' | 'denied';
  readonly durationMs: number | null;
  readonly summary: string;
}

export interface ChatTurn {
  readonly id: string;
  readonly question: string;
  readonly taskId: string | null;
  readonly tools: readonly ToolCall[];
  /** The model's text as it streams; replaced by the answer when it arrives. */
  readonly text: string;
  readonly state: 'running' | 'completed' | 'failed' | 'canceled';
  readonly message: string;
  readonly footnote: string;
}

/** `execute_kubectl` args as a command line; other tools by name and arguments. */
const labelOf = (tool: string, args: unknown): string => {
  if (typeof args === 'object' && args !== null && 'args' in args && Array.isArray(args.args)) {
    const argv = args.args.filter((arg): arg is string => typeof arg === 'string');
    return commandLine(argv);
  }
  return `${tool} ${JSON.stringify(args ?? {})}`;
};

/** The turn after one stream update (pure: the page keeps turns in state). */
export const applyUpdate = (turn: ChatTurn, update: ChatUpdate): ChatTurn => {
  switch (update.type) {
    case 'task':
      return { ...turn, taskId: update.taskId };
    case 'answer':
      return {
        ...turn,
        text: update.text,
        footnote:
          update.final === null
            ? ''
            : `${update.final.mode === 'engine' ? 'diagnosis engine' : `${update.final.steps} model step(s)`} · ${update.final.usage.totalTokens} tokens`,
      };
    case 'ended':
      return { ...turn, state: update.state, message: update.message };
    case 'event': {
      const { event } = update;
      switch (event.type) {
        case 'text-delta':
          return { ...turn, text: turn.text + event.text };
        case 'tool-call-started':
          return {
            ...turn,
            tools: [
              ...turn.tools,
              {
                id: event.id,
                tool: event.tool,
                label: labelOf(event.tool, event.args),
                outcome: 'running',
                durationMs: null,
                summary: '',
              },
            ],
          };
        case 'tool-call-finished':
          return {
            ...turn,
            tools: turn.tools.map((call) =>
              call.id === event.id
                ? { ...call, outcome: event.outcome, durationMs: event.durationMs, summary: event.summary }
                : call,
            ),
          };
        case 'usage':
          return turn;
      }
    }
  }
};

/** A stored conversation (session storage) read back through a schema, never cast. */
export const storedConversationSchema = z.object({
  contextId: z.string().nullable(),
  turns: z.array(
    z.object({
      id: z.string(),
      question: z.string(),
      taskId: z.string().nullable(),
      tools: z.array(
        z.object({
          id: z.string(),
          tool: z.string(),
          label: z.string(),
          outcome: z.enum(['running', 'ok', 'error', 'denied']),
          durationMs: z.number().nullable(),
          summary: z.string(),
        }),
      ),
      text: z.string(),
      state: z.enum(['running', 'completed', 'failed', 'canceled']),
      message: z.string(),
      footnote: z.string(),
    }),
  ),
});
