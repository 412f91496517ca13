import { z } from 'zod';

import { commandSchema } from './command.js';
import { clusterIdSchema, idSchema, isoDateSchema, policyModeSchema } from './identifiers.js';

export const streamDefaults = {
  keepaliveSeconds: 15,
  /** The executor reconnects after this much silence (three missed keepalives). */
  watchdogSeconds: 45,
  longPollMaxWaitSeconds: 30,
} as const;

/**
 * Frames on `GET /v1/executor/stream`. On the wire each is an SSE event whose `event:` is the
 * frame `type` and whose `data:` is the JSON of the frame; command frames also carry `id:` (the
 * command id) so a reconnect with `Last-Event-ID` resumes. Keepalives are SSE comments.
 */
export const connectedFrameSchema = z.object({
  type: z.literal('connected'),
  clusterId: clusterIdSchema,
  executorId: z.string(),
  serverVersion: z.string(),
  keepaliveSeconds: z.number().int().positive(),
});
export const commandFrameSchema = z.object({ type: z.literal('command'), command: commandSchema });
export const sessionStartedFrameSchema = z.object({
  type: z.literal('session-started'),
  sessionId: idSchema,
  clusterId: clusterIdSchema,
  expiresAt: isoDateSchema,
});
export const sessionEndedFrameSchema = z.object({
  type: z.literal('session-ended'),
  sessionId: idSchema,
  clusterId: clusterIdSchema,
  reason: z.enum(['closed', 'expired', 'cluster_removed']),
});
/**
 * The server no longer wants a command it already delivered (its caller went away or stopped
 * waiting; the command has already ended on the server): the executor kills its process group if
 * it is still running, posts a result saying so (acked and dropped by the server) and never runs
 * the id again. A cancel for an unknown or finished command is ignored. SSE only: long-poll answers
 * do not carry it (an older executor would reject the whole batch), so a polling executor runs the
 * command to its own timeout. `reason` is free text for the executor's log.
 */
export const cancelFrameSchema = z.object({
  type: z.literal('cancel'),
  commandId: idSchema,
  reason: z.string().max(512),
});
export const executorFrameSchema = z.discriminatedUnion('type', [
  connectedFrameSchema,
  commandFrameSchema,
  sessionStartedFrameSchema,
  sessionEndedFrameSchema,
  cancelFrameSchema,
]);
export type ConnectedFrame = z.infer<typeof connectedFrameSchema>;
export type CommandFrame = z.infer<typeof commandFrameSchema>;
export type SessionStartedFrame = z.infer<typeof sessionStartedFrameSchema>;
export type SessionEndedFrame = z.infer<typeof sessionEndedFrameSchema>;
export type CancelFrame = z.infer<typeof cancelFrameSchema>;
export type ExecutorFrame = z.infer<typeof executorFrameSchema>;

/**
 * `GET /v1/executor/commands?wait=N` (long-poll fallback) answer: the same frames, as a batch
 * (never `cancel`: see cancelFrameSchema).
 */
export const longPollResponseSchema = z.object({ frames: z.array(executorFrameSchema) });
export type LongPollResponse = z.infer<typeof longPollResponseSchema>;

/** `POST /v1/executor/capabilities`: what the executor reports right after it connects. */
export const executorCapabilitiesSchema = z.object({
  executorId: z.string().min(1).max(128),
  executorVersion: z.string().max(64),
  mode: policyModeSchema,
  kubectlVersion: z.string().max(64).nullable(),
  kubernetesVersion: z.string().max(64).nullable(),
  maxConcurrency: z.number().int().positive(),
  transport: z.enum(['sse', 'poll']),
});
export type ExecutorCapabilities = z.infer<typeof executorCapabilitiesSchema>;
