import { mcpTools } from '@kubently/protocol';
import type { z } from 'zod';

type JsonSchemaConverter = (options: { readonly target: string }) => Record<string, unknown>;

/**
 * The same zod schema whose Standard JSON Schema conversion runs once per target. The server builds
 * a fresh McpServer per request (stateless serving), and the SDK memoises converted schemas only on
 * that instance, so without this every `tools/list` and `tools/call` re-converted them (measured on
 * a legacy `tools/call list_clusters`: about 4.0 ms CPU per request before, 3.2 ms after). Validation
 * and types are the original schema's.
 */
const withCachedJsonSchema = <S extends z.ZodType>(schema: S): S => {
  const standard = schema['~standard'] as S['~standard'] & {
    readonly jsonSchema: { readonly input: JsonSchemaConverter; readonly output: JsonSchemaConverter };
  };
  const cache = new Map<string, Record<string, unknown>>();
  const memo =
    (io: 'input' | 'output'): JsonSchemaConverter =>
    (options) => {
      const key = `${io}:${options.target}`;
      let converted = cache.get(key);
      if (converted === undefined) {
        converted = standard.jsonSchema[io](options);
        cache.set(key, converted);
      }
      return structuredClone(converted);
    };
  const wrapped = Object.create(schema) as S;
  Object.defineProperty(wrapped, '~standard', {
    value: { ...standard, jsonSchema: { input: memo('input'), output: memo('output') } },
  });
  return wrapped;
};

const cached = <T extends { readonly inputSchema: z.ZodType; readonly outputSchema: z.ZodType }>(
  tool: T,
): T => ({
  ...tool,
  inputSchema: withCachedJsonSchema(tool.inputSchema),
  outputSchema: withCachedJsonSchema(tool.outputSchema),
});

/** `mcpTools` with schema conversion cached for the process (the definitions are immutable). */
export const serverMcpTools = {
  list_clusters: cached(mcpTools.list_clusters),
  create_debug_session: cached(mcpTools.create_debug_session),
  execute_kubectl: cached(mcpTools.execute_kubectl),
  get_command_result: cached(mcpTools.get_command_result),
  close_session: cached(mcpTools.close_session),
  diagnose_cluster: cached(mcpTools.diagnose_cluster),
  ask_kubently: cached(mcpTools.ask_kubently),
} as const;
