import { z } from 'zod';

import { namespaceSchema } from './identifiers.js';

/**
 * The executor's structured read primitive (docs/decisions/0011): a get/list of one resource
 * collection through the Kubernetes API with the executor's own identity. It travels inside a
 * `command` frame (`Command.read`) beside the kubectl argv that means the same thing (`readArgv`),
 * so the server's policy pre-check, queue, acks, cancel, audit and result path are the command's;
 * an executor without the `read` capability ignores the field and runs the argv through kubectl,
 * which prints the same List JSON.
 */
export const readLimits = {
  /** Objects per API request (`limit=`); the API server may return fewer. */
  defaultPageSize: 500,
  maxPageSize: 5000,
  maxContinueLength: 8192,
} as const;

const dnsSubdomain = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

export const readRequestSchema = z.strictObject({
  /** API group, `""` for the core group. */
  group: z
    .string()
    .max(253)
    .refine((group) => group === '' || dnsSubdomain.test(group), {
      message: 'group must be "" (core) or a DNS subdomain such as "apps" or "networking.k8s.io"',
    }),
  version: z
    .string()
    .regex(/^v[0-9]+((alpha|beta)[0-9]+)?$/, { message: 'version looks like "v1" or "v2beta1"' }),
  /** The plural resource name, e.g. `pods`, `deployments`. */
  resource: z
    .string()
    .regex(/^[a-z][a-z0-9]{0,62}$/, { message: 'resource is a lower-case plural such as "pods"' }),
  /** One namespace; absent lists every namespace (or a cluster-scoped resource). */
  namespace: namespaceSchema.optional(),
  /** Objects per API request (default `readLimits.defaultPageSize`). */
  pageSize: z.number().int().min(1).max(readLimits.maxPageSize).optional(),
  /** Resume a list where an earlier read stopped (its List's `metadata.continue`). */
  continue: z.string().min(1).max(readLimits.maxContinueLength).optional(),
  /**
   * `list` (default): the objects, as a List. `table`: the server-side Table (`as=Table`) with no
   * embedded objects (`includeObject=None`), the columns `kubectl get` prints.
   */
  as: z.enum(['list', 'table']).optional(),
});
export type ReadRequest = z.infer<typeof readRequestSchema>;

/** `deployments.v1.apps`, or `pods` for the core group: how kubectl and the policy name the resource. */
export function readResourceName(read: Pick<ReadRequest, 'group' | 'version' | 'resource'>): string {
  return read.group === '' ? read.resource : `${read.resource}.${read.version}.${read.group}`;
}

/**
 * The kubectl argv that reads the same collection: what the policy checks (server and executor),
 * what the audit records, and what an executor without the `read` capability runs.
 */
export function readArgv(read: ReadRequest): string[] {
  const scope = read.namespace === undefined ? ['-A'] : ['-n', read.namespace];
  return ['get', readResourceName(read), ...scope, '-o', 'json'];
}

/**
 * What an executor that offers the read primitive says in its capabilities. Its absence (older
 * executors, the seed's agent, an executor whose kubeconfig needs a credential plugin) means the
 * server reads through kubectl instead.
 */
export const readCapabilitySchema = z.object({
  maxPageSize: z.number().int().positive().max(readLimits.maxPageSize),
  table: z.boolean(),
});
export type ReadCapability = z.infer<typeof readCapabilitySchema>;

/**
 * The `stdout` of a read's result: a List (or a Table) as JSON. When the objects would pass the
 * executor's output cap, the executor stops at a page boundary and sets `metadata.continue`: the
 * caller reads again with that token for the rest. kubectl's `get -o json` prints the same shape
 * without `continue`.
 */
export const readListSchema = z.object({
  kind: z.string().optional(),
  metadata: z.object({ continue: z.string().optional(), resourceVersion: z.string().optional() }).nullish(),
  items: z.array(z.unknown()).nullish(),
  rows: z.array(z.unknown()).nullish(),
});
export type ReadList = z.infer<typeof readListSchema>;
