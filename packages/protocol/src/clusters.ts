import { z } from 'zod';

import { apiServerStatusSchema } from './api-server-status.js';
import { clusterIdSchema, isoDateSchema, policyModeSchema } from './identifiers.js';

export const createClusterRequestSchema = z.object({ id: clusterIdSchema }).strict();
export type CreateClusterRequest = z.infer<typeof createClusterRequestSchema>;

/** The executor token is returned once, at creation or rotation; the server keeps only its hash. */
export const clusterTokenResponseSchema = z.object({
  id: clusterIdSchema,
  token: z.string(),
  createdAt: isoDateSchema,
  /** On rotation: until when the previous token keeps working. */
  previousTokenExpiresAt: isoDateSchema.optional(),
});
export type ClusterTokenResponse = z.infer<typeof clusterTokenResponseSchema>;

export const clusterInfoSchema = z.object({
  id: clusterIdSchema,
  createdAt: isoDateSchema,
  connected: z.boolean(),
  executors: z.number().int().nonnegative(),
  lastSeenAt: isoDateSchema.nullable(),
  mode: policyModeSchema.nullable(),
  executorVersion: z.string().nullable(),
  kubectlVersion: z.string().nullable(),
  kubernetesVersion: z.string().nullable(),
  /**
   * Whether the cluster's API server answers its executor, as a connected executor (else the last
   * one) last reported; null when none reported it. Absent from servers before it.
   */
  apiServer: apiServerStatusSchema.nullable().optional(),
});
export type ClusterInfo = z.infer<typeof clusterInfoSchema>;

export const clusterListSchema = z.object({ clusters: z.array(clusterInfoSchema) });
export type ClusterList = z.infer<typeof clusterListSchema>;
