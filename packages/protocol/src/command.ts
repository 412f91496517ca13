import { z } from 'zod';

import { clusterIdSchema, idSchema, isoDateSchema, namespaceSchema } from './identifiers.js';
import { readRequestSchema } from './read.js';

export const commandLimits = {
  maxArgs: 64,
  maxArgLength: 4096,
  maxCommandLength: 8192,
  defaultTimeoutSeconds: 10,
  maxTimeoutSeconds: 300,
} as const;

/** An absolute http(s) URL the server POSTs a result to; the server checks where it points. */
export const callbackUrlSchema = z
  .string()
  .max(2048, 'callbackUrl is longer than 2048 characters')
  .refine(
    (value) => URL.canParse(value),
    'callbackUrl must be an absolute URL, e.g. https://hooks.example.com/kubently',
  );

const argSchema = z.string().max(commandLimits.maxArgLength);
const timeoutSecondsSchema = z.number().int().min(1).max(commandLimits.maxTimeoutSeconds);

/**
 * What a caller asks for: kubectl arguments without the leading `kubectl`, either as an argv array
 * (preferred) or as one string that the policy tokenizes with quote rules and no shell expansion.
 */
export const commandRequestSchema = z
  .object({
    clusterId: clusterIdSchema,
    args: z.array(argSchema).min(1).max(commandLimits.maxArgs).optional(),
    command: z.string().min(1).max(commandLimits.maxCommandLength).optional(),
    namespace: namespaceSchema.optional(),
    timeoutSeconds: timeoutSecondsSchema.optional(),
    sessionId: idSchema.optional(),
    /**
     * Run asynchronously: the call answers 202 at once and the server POSTs the finished command,
     * signed, to this URL (docs/api.md "Callbacks"). Needs the server's callback secret.
     */
    callbackUrl: callbackUrlSchema.optional(),
  })
  .strict()
  .refine((value) => (value.args === undefined) !== (value.command === undefined), {
    message: 'give exactly one of "args" (an array, e.g. ["get","pods"]) or "command" (a string)',
    path: ['args'],
  });
export type CommandRequest = z.infer<typeof commandRequestSchema>;

/** A command as queued for and sent to an executor. `args` never starts with `kubectl`. */
/** A W3C `traceparent` header value (version 00). */
export const traceparentSchema = z.string().regex(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);

export const commandSchema = z.object({
  id: idSchema,
  clusterId: clusterIdSchema,
  args: z.array(argSchema).min(1).max(commandLimits.maxArgs),
  namespace: namespaceSchema.optional(),
  timeoutSeconds: timeoutSecondsSchema,
  sessionId: idSchema.optional(),
  correlationId: z.string().min(1).max(128),
  issuedAt: isoDateSchema,
  /** The caller's identity, for the executor's own log. */
  requestedBy: z.string().max(256).optional(),
  /** W3C trace context of the server's command span, when tracing is on (docs/operations.md). */
  traceparent: traceparentSchema.optional(),
  /**
   * A structured read (docs/decisions/0011): an executor with the `read` capability answers it
   * through the Kubernetes API; `args` is then `readArgv(read)`, which an older executor runs.
   */
  read: readRequestSchema.optional(),
});
export type Command = z.infer<typeof commandSchema>;

/**
 * Why a command produced no kubectl exit code of its own. A kubectl non-zero exit is not a failure
 * kind: it is a normal result with `exitCode` set.
 */
export const commandFailureCodes = [
  'policy_denied',
  'command_timeout',
  'spawn_failed',
  'executor_error',
  /** The result was larger than the server accepts: the executor posted this failure instead. */
  'output_too_large',
] as const;
export const commandFailureSchema = z.object({
  code: z.enum(commandFailureCodes),
  message: z.string(),
});
export type CommandFailure = z.infer<typeof commandFailureSchema>;

/** What an executor posts back for a command; posting it acknowledges the command. */
export const commandResultSchema = z.object({
  commandId: idSchema,
  exitCode: z.number().int(),
  stdout: z.string(),
  stderr: z.string(),
  durationMs: z.number().nonnegative(),
  truncated: z.boolean(),
  redactions: z.number().int().nonnegative(),
  failure: commandFailureSchema.optional(),
  executorId: z.string().max(128).optional(),
  finishedAt: isoDateSchema.optional(),
});
export type CommandResult = z.infer<typeof commandResultSchema>;

export const commandStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;
export const commandStatusSchema = z.enum(commandStatuses);
export type CommandStatus = z.infer<typeof commandStatusSchema>;

/**
 * What `POST /v1/commands` and `GET /v1/commands/:id` answer. `queued`/`running` carry no output;
 * `succeeded` (exit 0) and `failed` (non-zero exit or a `failure`) carry the full result.
 */
export const commandResponseSchema = z.object({
  id: idSchema,
  clusterId: clusterIdSchema,
  status: commandStatusSchema,
  args: z.array(z.string()),
  exitCode: z.number().int().optional(),
  stdout: z.string().optional(),
  stderr: z.string().optional(),
  durationMs: z.number().nonnegative().optional(),
  truncated: z.boolean().optional(),
  redactions: z.number().int().nonnegative().optional(),
  failure: commandFailureSchema.optional(),
  createdAt: isoDateSchema,
  finishedAt: isoDateSchema.optional(),
});
export type CommandResponse = z.infer<typeof commandResponseSchema>;

/** `POST /v1/executor/results` answer. `duplicate` means the command had already been acked. */
export const resultAckSchema = z.object({
  accepted: z.literal(true),
  commandId: idSchema,
  duplicate: z.boolean(),
});
export type ResultAck = z.infer<typeof resultAckSchema>;
