import { z } from 'zod';

import { clusterIdSchema, idSchema, isoDateSchema, roleSchema } from './identifiers.js';

export const auditOutcomes = ['denied', 'succeeded', 'failed', 'timeout', 'unavailable'] as const;

/** One record per command attempt: who ran what where, what the policy said, and how it ended. */
export const auditRecordSchema = z.object({
  id: idSchema,
  at: isoDateSchema,
  identity: z.string(),
  /** X-Service-Identity the caller asserted (a shared key acting for a service); absent: none. */
  serviceIdentity: z.string().max(128).optional(),
  role: roleSchema,
  clusterId: clusterIdSchema,
  commandId: idSchema.nullable(),
  sessionId: idSchema.nullable(),
  correlationId: z.string(),
  argv: z.array(z.string()),
  decision: z.enum(['allowed', 'denied']),
  reason: z.string().nullable(),
  outcome: z.enum(auditOutcomes),
  exitCode: z.number().int().nullable(),
  durationMs: z.number().nonnegative().nullable(),
  bytes: z.number().int().nonnegative().nullable(),
  source: z.string().max(32),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

export const auditQuerySchema = z
  .object({
    clusterId: clusterIdSchema.optional(),
    since: isoDateSchema.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const auditListSchema = z.object({ records: z.array(auditRecordSchema) });
export type AuditList = z.infer<typeof auditListSchema>;
