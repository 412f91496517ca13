import { z } from 'zod';

import { diagnosisSeveritySchema } from './diagnosis.js';
import { clusterIdSchema } from './identifiers.js';

export const findingStatuses = ['open', 'resolved'] as const;
export const findingStatusSchema = z.enum(findingStatuses);

const resourceSchema = z.object({ kind: z.string(), namespace: z.string(), name: z.string() });

/**
 * One root cause in the findings history (`GET /v1/findings`), keyed by cluster and the engine's
 * stable fingerprint (rule + object + cause key; never message text). The wording fields are the
 * latest seen.
 */
export const findingRecordSchema = z.object({
  clusterId: clusterIdSchema,
  fingerprint: z.string().min(1).max(128),
  /** The watch target that observed it first and may resolve it (`<cluster>` or `<cluster>/<ns,ns>`). */
  scope: z.string(),
  rule: z.string(),
  severity: diagnosisSeveritySchema,
  resource: resourceSchema,
  summary: z.string(),
  rootCause: z.string(),
  remediation: z.string(),
  evidence: z.array(z.string()),
  status: findingStatusSchema,
  firstSeenAt: z.number().int(),
  lastSeenAt: z.number().int(),
  resolvedAt: z.number().int().nullable(),
  /** When an open finding was first missed; it resolves once missing for the flap window. */
  missingSince: z.number().int().nullable(),
  /** Episodes: 1 when it first opened, +1 each time it reopened after being resolved. */
  occurrences: z.number().int().min(1),
  /** Times it disappeared and came back within the flap window (no notice sent). */
  flaps: z.number().int().min(0),
});
export type FindingRecord = z.infer<typeof findingRecordSchema>;

/** The API view: times as ISO strings. */
export const findingViewSchema = findingRecordSchema
  .omit({ firstSeenAt: true, lastSeenAt: true, resolvedAt: true, missingSince: true })
  .extend({
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
    resolvedAt: z.string().nullable(),
    missingSince: z.string().nullable(),
  });
export type FindingView = z.infer<typeof findingViewSchema>;

export const findingListSchema = z.object({ findings: z.array(findingViewSchema) });
export type FindingList = z.infer<typeof findingListSchema>;

export const findingQuerySchema = z
  .object({
    cluster: clusterIdSchema.optional(),
    status: z.enum(['open', 'resolved', 'all']).default('all'),
    limit: z.coerce
      .number()
      .int()
      .min(1, 'limit must be between 1 and 1000')
      .max(1000, 'limit must be between 1 and 1000')
      .default(100),
  })
  .strict();
export type FindingQuery = z.infer<typeof findingQuerySchema>;
