import { z } from 'zod';

import { clusterIdSchema, correlationIdSchema, idSchema, namespaceSchema } from './identifiers.js';

/**
 * Request and response shapes of the original Kubently's endpoints (snake_case), kept so existing
 * clients and executors keep working against the aliases `/debug/*` and `/executor/*`.
 */
export const seedCommandTypes = [
  'get',
  'describe',
  'logs',
  'top',
  'events',
  'version',
  'api-resources',
  'api-versions',
  'explain',
  'rollout',
  'auth',
] as const;

export const seedSessionRequestSchema = z.object({
  cluster_id: clusterIdSchema,
  user_id: z.string().max(256).optional(),
  correlation_id: correlationIdSchema.optional(),
  service_identity: z.string().max(256).optional(),
  ttl_seconds: z.number().int().min(60).max(3600).optional(),
});
export type SeedSessionRequest = z.infer<typeof seedSessionRequestSchema>;

export const seedSessionResponseSchema = z.object({
  session_id: idSchema,
  cluster_id: clusterIdSchema,
  status: z.literal('active'),
  created_at: z.string(),
  expires_at: z.string(),
  ttl_seconds: z.number().int(),
  correlation_id: z.string(),
  service_identity: z.string().nullable(),
});
export type SeedSessionResponse = z.infer<typeof seedSessionResponseSchema>;

export const seedExecuteRequestSchema = z.object({
  cluster_id: clusterIdSchema,
  session_id: idSchema.optional(),
  correlation_id: correlationIdSchema.optional(),
  command_type: z.enum(seedCommandTypes).default('get'),
  args: z.array(z.string().max(4096)).max(20).default([]),
  namespace: namespaceSchema.default('default'),
  timeout_seconds: z.number().int().min(1).max(30).default(10),
  extra_args: z.array(z.string().max(4096)).max(20).optional(),
});
export type SeedExecuteRequest = z.infer<typeof seedExecuteRequestSchema>;

export const seedExecuteResponseSchema = z.object({
  command_id: idSchema,
  session_id: idSchema.nullable(),
  cluster_id: clusterIdSchema,
  status: z.enum(['success', 'failure', 'timeout']),
  correlation_id: z.string(),
  output: z.string().nullable(),
  error: z.string().nullable(),
  execution_time_ms: z.number().int().nullable(),
  executed_at: z.string(),
});
export type SeedExecuteResponse = z.infer<typeof seedExecuteResponseSchema>;

/** Command frame as the original executor expects it on `GET /executor/stream`. */
export const seedCommandFrameSchema = z.object({
  id: idSchema,
  args: z.array(z.string()),
  timeout: z.number().int(),
  correlation_id: z.string(),
});
export type SeedCommandFrame = z.infer<typeof seedCommandFrameSchema>;

/** Result as the original executor posts it to `POST /executor/results`. */
export const seedCommandResultSchema = z.object({
  command_id: idSchema,
  success: z.boolean(),
  output: z.string().nullish(),
  error: z.string().nullish(),
  stdout: z.string().nullish(),
  stderr: z.string().nullish(),
  status: z.string().nullish(),
  return_code: z.number().int().nullish(),
  execution_time_ms: z.number().nullish(),
  executed_at: z.string().nullish(),
});
export type SeedCommandResult = z.infer<typeof seedCommandResultSchema>;
