import type { ToolSet } from 'ai';

/** Runs one tool call: the host may wrap it (e.g. to make it the parent of what the tool does). */
export type AroundToolCall = <T>(
  call: { readonly id: string; readonly tool: string },
  run: () => Promise<T>,
) => Promise<T>;

/** The same tools, each execution running inside `around` (tracing stays out of this package). */
export function wrapToolCalls(tools: ToolSet, around: AroundToolCall | undefined): ToolSet {
  if (around === undefined) return tools;
  const wrapped: ToolSet = {};
  for (const [name, tool] of Object.entries(tools)) {
    const execute = tool.execute;
    wrapped[name] =
      execute === undefined
        ? tool
        : {
            ...tool,
            execute: (input: unknown, options: Parameters<typeof execute>[1]) =>
              around(
                { id: options.toolCallId, tool: name },
                async () => (await execute(input, options)) as unknown,
              ),
          };
  }
  return wrapped;
}
