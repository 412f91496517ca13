import { z } from 'zod';

import { isoDateSchema, versionStringSchema } from './identifiers.js';

/**
 * What an executor's own identity may do, from `kubectl auth can-i --list` in its namespace
 * (cluster-wide bindings included). Booleans only: the full rule list stays on the executor.
 */
export const rbacSummarySchema = z.object({
  /** The namespace the rules were listed in. */
  namespace: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/),
  /** Rules listed (a rough size of the grant). */
  rules: z.number().int().nonnegative().max(100_000),
  canListPods: z.boolean(),
  canReadSecrets: z.boolean(),
  /** Any write verb (create, update, patch, delete, deletecollection, *) on any resource. */
  canWrite: z.boolean(),
  /** `*` on `*.*`: the identity is a cluster administrator. */
  isClusterAdmin: z.boolean(),
});
export type RbacSummary = z.infer<typeof rbacSummarySchema>;

/**
 * Whether the executor's API server answers it, as the executor last checked (at start and then
 * periodically). `unauthorized`: the API server answered but refused the executor's credentials
 * (an expired or revoked ServiceAccount token, a wrong kubeconfig user). `message` is kubectl's own
 * first error line: printable ASCII, at most 300 characters, text from the cluster side (untrusted).
 */
export const apiServerStatusSchema = z.object({
  status: z.enum(['reachable', 'unreachable', 'unauthorized']),
  checkedAt: isoDateSchema,
  /** How the executor authenticates: the pod's ServiceAccount, or a kubeconfig user. */
  credentials: z.enum(['inCluster', 'kubeconfig']),
  /** The API server's address as the executor's kubeconfig names it. */
  server: z
    .string()
    .regex(/^https?:\/\/[\x21-\x7e]{1,250}$/)
    .nullable(),
  serverVersion: versionStringSchema.nullable(),
  message: z
    .string()
    .regex(/^[\x20-\x7e]{0,300}$/)
    .nullable(),
  rbac: rbacSummarySchema.nullable(),
});
export type ApiServerStatus = z.infer<typeof apiServerStatusSchema>;
