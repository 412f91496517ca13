import { z } from 'zod';

import { clusterIdSchema, correlationIdSchema, idSchema, isoDateSchema } from './identifiers.js';

export const sessionLimits = { defaultTtlSeconds: 300, minTtlSeconds: 10, maxTtlSeconds: 86_400 } as const;

export const createSessionRequestSchema = z
  .object({
    clusterId: clusterIdSchema,
    ttlSeconds: z.number().int().min(sessionLimits.minTtlSeconds).max(sessionLimits.maxTtlSeconds).optional(),
    correlationId: correlationIdSchema.optional(),
  })
  .strict();
export type CreateSessionRequest = z.infer<typeof createSessionRequestSchema>;

/** A session's TTL slides: every command in it pushes `expiresAt` forward by `ttlSeconds`. */
export const sessionSchema = z.object({
  id: idSchema,
  clusterId: clusterIdSchema,
  identity: z.string(),
  correlationId: z.string(),
  ttlSeconds: z.number().int().positive(),
  createdAt: isoDateSchema,
  expiresAt: isoDateSchema,
});
export type Session = z.infer<typeof sessionSchema>;
