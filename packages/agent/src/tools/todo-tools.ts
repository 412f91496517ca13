import { tool } from 'ai';
import { z } from 'zod';

import type { ToolContext } from './tool-context.js';
import type { ToolResult } from './tool-result.js';

const todoSchema = z.object({
  id: z.string().min(1).max(40),
  text: z.string().min(1).max(300),
  status: z.enum(['pending', 'in_progress', 'done']),
});

export function todoWriteTool(context: ToolContext) {
  return tool({
    description:
      'Replace the investigation plan (a short checklist). Use it only for investigations that need several steps, at the start and when an item is done.',
    inputSchema: z.object({ todos: z.array(todoSchema).max(20) }),
    execute: (input): Promise<ToolResult> => {
      context.todos = input.todos.map((item) => ({ ...item }));
      const done = context.todos.filter((item) => item.status === 'done').length;
      return Promise.resolve({
        ok: true,
        summary: `${context.todos.length} items, ${done} done`,
        todos: context.todos,
      });
    },
  });
}

export function todoReadTool(context: ToolContext) {
  return tool({
    description: 'Read the current investigation plan.',
    inputSchema: z.object({}),
    execute: (): Promise<ToolResult> =>
      Promise.resolve({ ok: true, summary: `${context.todos.length} items`, todos: context.todos }),
  });
}
