import { z } from 'zod';

import { idSchema } from './identifiers.js';

/**
 * The original Kubently's polling agent protocol (`/agent/*`): a small script with a cluster token
 * asks whether anyone is debugging, long-polls for commands and posts each result. Such an agent
 * neither applies the command policy nor redacts output, so the server does both for it.
 */
export const seedAgentStatusSchema = z.object({
  /** True while the cluster has an open debug session or queued commands: poll eagerly. */
  is_active: z.boolean(),
});
export type SeedAgentStatus = z.infer<typeof seedAgentStatusSchema>;

/** One command: kubectl arguments without `kubectl` (namespace already applied), timeout in seconds. */
export const seedAgentCommandSchema = z.object({
  id: idSchema,
  args: z.array(z.string()),
  timeout: z.number().int().positive(),
});
export type SeedAgentCommand = z.infer<typeof seedAgentCommandSchema>;

/** `GET /agent/commands?wait=N` with commands; no commands is a 204 without a body. */
export const seedAgentCommandsSchema = z.object({ commands: z.array(seedAgentCommandSchema) });
export type SeedAgentCommands = z.infer<typeof seedAgentCommandsSchema>;

export const seedAgentResultSchema = z.object({
  command_id: idSchema,
  result: z.object({
    success: z.boolean(),
    /** What kubectl printed (the original agent may have mixed stderr in). */
    output: z.string().nullish(),
    error: z.string().nullish(),
    exit_code: z.number().int().nullish(),
    execution_time_ms: z.number().nonnegative().nullish(),
  }),
});
export type SeedAgentResult = z.infer<typeof seedAgentResultSchema>;

/** What `POST /agent/results` answers. */
export const seedAgentResultAckSchema = z.object({
  status: z.literal('accepted'),
  command_id: idSchema,
  duplicate: z.boolean(),
});
export type SeedAgentResultAck = z.infer<typeof seedAgentResultAckSchema>;
