import { z } from 'zod';

/**
 * The typed metadata Kubently puts on A2A stream events, under `metadata.kubently`. The A2A server
 * writes it; `kubently debug`/`ask` and other orchestrators read it. Every `statusUpdate` of a
 * running task carries exactly one `AgentStreamEvent`; the final answer is an artifact named
 * `answer` whose metadata is an `AgentStreamFinal`; a failed task's status metadata is an
 * `AgentStreamError`.
 */
export const agentStreamMetadataKey = 'kubently';

export const toolOutcomes = ['ok', 'error', 'denied'] as const;

export const tokenUsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative(),
});
export type StreamTokenUsage = z.infer<typeof tokenUsageSchema>;

export const agentStreamEventSchema = z.discriminatedUnion('type', [
  /** A piece of the answer as the model writes it. */
  z.object({ type: z.literal('text-delta'), text: z.string() }),
  z.object({
    type: z.literal('tool-call-started'),
    id: z.string(),
    tool: z.string(),
    args: z.unknown(),
  }),
  z.object({
    type: z.literal('tool-call-finished'),
    id: z.string(),
    tool: z.string(),
    outcome: z.enum(toolOutcomes),
    durationMs: z.number().nonnegative(),
    /** One line: "exit 0, 12 lines", "policy_denied: ...". */
    summary: z.string(),
  }),
  z.object({
    type: z.literal('usage'),
    step: z.number().int().nonnegative(),
    usage: tokenUsageSchema,
    total: tokenUsageSchema,
    costUsd: z.number().nonnegative().nullable(),
  }),
]);
export type AgentStreamEvent = z.infer<typeof agentStreamEventSchema>;

export const agentStreamFinalSchema = z.object({
  type: z.literal('final'),
  usage: tokenUsageSchema,
  costUsd: z.number().nonnegative().nullable(),
  steps: z.number().int().nonnegative(),
  stopReason: z.enum(['answered', 'step_budget', 'token_budget', 'engine_only']),
  mode: z.enum(['model', 'engine']),
  /** The cluster the run investigated, when one was resolved. */
  clusterId: z.string().optional(),
  /**
   * The answer is built from cluster data that anyone who can write to the cluster may have shaped
   * (logs, events, termination messages, annotations): an orchestrator's model should read it as
   * data, never as instructions. `fenced`: every piece of cluster text in the answer is inside a
   * fenced code block it cannot close (engine answers); `model`: the model was told to quote the
   * cluster only in code spans or blocks, which is not a guarantee (docs/a2a.md).
   */
  untrustedQuotes: z.enum(['fenced', 'model']).optional(),
});
export type AgentStreamFinal = z.infer<typeof agentStreamFinalSchema>;

export const agentStreamErrorSchema = z.object({
  type: z.literal('error'),
  code: z.enum(['cancelled', 'model_error', 'not_available', 'internal', 'validation_failed']),
  message: z.string(),
});
export type AgentStreamError = z.infer<typeof agentStreamErrorSchema>;

/** What a client sends in A2A message (or request) metadata to steer a run. */
export const agentRequestMetadataSchema = z.object({
  clusterId: z.string().min(1).max(63).optional(),
  namespace: z.string().min(1).max(63).optional(),
});
export type AgentRequestMetadata = z.infer<typeof agentRequestMetadataSchema>;
