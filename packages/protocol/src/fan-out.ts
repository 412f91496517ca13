import { z } from 'zod';

import { callbackUrlSchema, commandLimits, commandResponseSchema } from './command.js';
import { diagnoseRequestSchema, diagnoseResponseSchema } from './diagnosis.js';
import { errorCodeSchema } from './errors.js';
import { clusterIdSchema, namespaceSchema } from './identifiers.js';

export const fanOutLimits = { maxClusters: 100 } as const;

/**
 * Which clusters a fan-out reaches: a list of ids, or `"all"`: every registered cluster inside the
 * caller's key scope (never one outside it).
 */
export const clusterIdsSchema = z.union([
  z.literal('all'),
  z
    .array(clusterIdSchema)
    .min(1, 'clusterIds must name at least one cluster, or be "all"')
    .max(
      fanOutLimits.maxClusters,
      `clusterIds may name at most ${String(fanOutLimits.maxClusters)} clusters`,
    ),
]);
export type ClusterIds = z.infer<typeof clusterIdsSchema>;

/** `POST /v1/commands` with `clusterIds`: one command on several clusters (docs/api.md "Fan-out"). */
export const fanOutCommandRequestSchema = z
  .object({
    clusterIds: clusterIdsSchema,
    args: z.array(z.string().max(commandLimits.maxArgLength)).min(1).max(commandLimits.maxArgs).optional(),
    command: z.string().min(1).max(commandLimits.maxCommandLength).optional(),
    namespace: namespaceSchema.optional(),
    timeoutSeconds: z.number().int().min(1).max(commandLimits.maxTimeoutSeconds).optional(),
    callbackUrl: callbackUrlSchema.optional(),
  })
  .strict()
  .refine((value) => (value.args === undefined) !== (value.command === undefined), {
    message: 'give exactly one of "args" (an array, e.g. ["get","pods"]) or "command" (a string)',
    path: ['args'],
  });
export type FanOutCommandRequest = z.infer<typeof fanOutCommandRequestSchema>;

/** `POST /v1/diagnose`: the diagnosis of several clusters. */
export const fanOutDiagnoseRequestSchema = diagnoseRequestSchema
  .extend({ clusterIds: clusterIdsSchema })
  .strict();
export type FanOutDiagnoseRequest = z.infer<typeof fanOutDiagnoseRequestSchema>;

/** Why one cluster of a fan-out has no result: the error body the single-cluster call would answer. */
export const clusterErrorSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

const fanOutEntrySchema = <T extends z.ZodType>(result: T) =>
  z.discriminatedUnion('status', [
    z.object({ clusterId: clusterIdSchema, status: z.literal('ok'), result }),
    z.object({ clusterId: clusterIdSchema, status: z.literal('error'), error: clusterErrorSchema }),
  ]);

const fanOutSummarySchema = z.object({
  clusters: z.number().int().nonnegative(),
  ok: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
});

/**
 * The answer of a fan-out: one entry per cluster, in the order asked (`"all"`: by cluster id).
 * `status: "ok"` carries what the single-cluster call answers (a command's own status may still be
 * `failed`: kubectl exited non-zero); `status: "error"` carries the error that call would have
 * answered. HTTP 200 even when some clusters failed (decision 0015).
 */
export const fanOutCommandResponseSchema = z.object({
  results: z.array(fanOutEntrySchema(commandResponseSchema)),
  summary: fanOutSummarySchema,
});
export type FanOutCommandResponse = z.infer<typeof fanOutCommandResponseSchema>;

export const fanOutDiagnoseResponseSchema = z.object({
  results: z.array(fanOutEntrySchema(diagnoseResponseSchema)),
  summary: fanOutSummarySchema,
});
export type FanOutDiagnoseResponse = z.infer<typeof fanOutDiagnoseResponseSchema>;
