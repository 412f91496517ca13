import { z } from 'zod';

import { auditRecordSchema } from './audit.js';
import { commandRequestSchema } from './command.js';
import { clusterIdSchema, roleSchema } from './identifiers.js';

/** What a REST call may need; the role table of docs/api.md. */
export const permissionNames = [
  'clusters:read',
  'clusters:write',
  'sessions:read',
  'sessions:write',
  'commands:read',
  'commands:run',
  'audit:read',
  'keys:manage',
] as const;
export const permissionNameSchema = z.enum(permissionNames);
export type PermissionName = z.infer<typeof permissionNameSchema>;

/** `GET /v1/whoami`: who the presented key (or OIDC token) is, so a client shows only what it may do. */
export const whoamiSchema = z.object({
  identity: z.string(),
  role: roleSchema,
  /** The clusters the caller is limited to; null: every cluster. */
  clusters: z.array(clusterIdSchema).nullable(),
  permissions: z.array(permissionNameSchema),
  serviceIdentity: z.string().max(128).optional(),
});
export type Whoami = z.infer<typeof whoamiSchema>;

/**
 * `POST /v1/commands/check`: the policy's verdict on a command without running it. Same body as
 * `POST /v1/commands` without the run options.
 */
export const commandCheckRequestSchema = commandRequestSchema;
export type CommandCheckRequest = z.infer<typeof commandCheckRequestSchema>;

export const commandCheckResponseSchema = z.object({
  clusterId: clusterIdSchema,
  verdict: z.enum(['allowed', 'denied']),
  /** The argv as the policy sees it (namespace applied, `command` tokenized). */
  argv: z.array(z.string()),
  /** Why it is denied; null when allowed. */
  reason: z.string().nullable(),
});
export type CommandCheckResponse = z.infer<typeof commandCheckResponseSchema>;

/** `GET /v1/commands/stream` query: only one cluster's commands. */
export const commandFeedQuerySchema = z.object({ clusterId: clusterIdSchema.optional() }).strict();

/**
 * One frame of the live command feed (`GET /v1/commands/stream`, SSE): `command` carries an audit
 * record (argv and outcome, never output); `gap` says records went by faster than the feed reads
 * them, so some were skipped (read them in the audit log).
 */
export const commandFeedEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('command'), record: auditRecordSchema }),
  z.object({ type: z.literal('gap'), message: z.string() }),
]);
export type CommandFeedEvent = z.infer<typeof commandFeedEventSchema>;
