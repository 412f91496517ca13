import { z } from 'zod';

import { commandSchema } from './command.js';
import { apiServerStatusSchema } from './api-server-status.js';
import { readCapabilitySchema } from './read.js';
import {
  clusterIdSchema,
  idSchema,
  isoDateSchema,
  policyModeSchema,
  versionStringSchema,
} from './identifiers.js';

export { versionStringSchema } from './identifiers.js';

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
  /**
   * The largest result body (bytes of the JSON posted to the results endpoint) the server accepts.
   * An executor measures a result before posting it and posts an `output_too_large` failure instead
   * of a body the server would refuse. Optional: servers before it did not send it.
   */
  maxResultBytes: z.number().int().positive().optional(),
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
export const longPollResponseSchema = z.object({
  frames: z.array(executorFrameSchema),
  /** As in the `connected` frame (a long-poll has none): the server's result body limit. */
  maxResultBytes: z.number().int().positive().optional(),
});
export type LongPollResponse = z.infer<typeof longPollResponseSchema>;

/**
 * Policy overrides an executor enforces on top of its mode (its policy file): the server pre-checks
 * commands with them. The element patterns are the policy file's; `@kubently/policy` checks the
 * rest (known verbs, never-grantable flags) when it parses them.
 */
export const policyVerbSchema = z
  .string()
  .regex(
    /^[a-z][a-z-]*[a-z]( [a-z][a-z-]*[a-z]){0,2}$/,
    'a verb is lower-case letters and dashes, optionally with its subcommand, e.g. "top" or "rollout restart"',
  );
export const policyLongFlagSchema = z
  .string()
  .regex(/^--[a-z0-9][a-z0-9_-]*$/, 'an extra flag is a long flag without value, e.g. "--chunk-size"');
export const policyResourceSchema = z
  .string()
  .max(253)
  .regex(
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i,
    'a resource is a name with an optional group, e.g. "configmaps" or "widgets.example.com"',
  );
export const policyExtrasSchema = z.strictObject({
  extraVerbs: z.array(policyVerbSchema).max(64),
  extraFlags: z.array(policyLongFlagSchema).max(128),
  restrictedResources: z.array(policyResourceSchema).max(256),
});
export type PolicyExtras = z.infer<typeof policyExtrasSchema>;

/**
 * `POST /v1/executor/capabilities`: what the executor reports once its link is up. `executorId`
 * must be the request's X-Executor-ID. `policy` is absent from executors before it (mode only).
 * `kubernetesVersion` is the API server's version at the last successful check.
 */
export const executorCapabilitiesSchema = z.object({
  executorId: idSchema,
  executorVersion: versionStringSchema,
  mode: policyModeSchema,
  policy: policyExtrasSchema.optional(),
  kubectlVersion: versionStringSchema.nullable(),
  kubernetesVersion: versionStringSchema.nullable(),
  maxConcurrency: z.number().int().positive().max(1024),
  transport: z.enum(['sse', 'poll']),
  /**
   * The executor's last check of its API server (reachability, version, RBAC summary). Absent from
   * executors before it; re-posted when the status changes.
   */
  apiServer: apiServerStatusSchema.optional(),
  /** The executor answers `Command.read` through the Kubernetes API (absent: kubectl only). */
  read: readCapabilitySchema.optional(),
});
export type ExecutorCapabilities = z.infer<typeof executorCapabilitiesSchema>;
