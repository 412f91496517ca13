import { z } from 'zod';

/** A cluster id is a DNS-1123 label: it appears in URLs, Redis keys, Helm values and kubeconfigs. */
export const clusterIdSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, {
    message:
      'cluster id must be a DNS-1123 label: lowercase letters, digits and "-", 1-63 chars, e.g. "prod-eu"',
  });

/** Command, session and audit ids are opaque; generated ids are UUIDs, but any safe token is accepted. */
export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, { message: 'id may contain only letters, digits, ".", "_", ":" and "-"' });

/**
 * A correlation id, from the `X-Correlation-ID` header or a request body: it lands in audit records,
 * logs and executor frames, so it is a plain token (no spaces or control characters), as the header
 * accepts it.
 */
export const correlationIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, {
  message:
    'correlation id must be 1-128 letters, digits, ".", "_", ":" or "-" (the X-Correlation-ID header rule)',
});

/** A Kubernetes namespace name (DNS-1123 label). */
export const namespaceSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, { message: 'namespace must be a DNS-1123 label' });

export const isoDateSchema = z.iso.datetime({ offset: true });

export const policyModes = ['readOnly', 'extendedReadOnly', 'fullAccess'] as const;
export const policyModeSchema = z.enum(policyModes);
export type PolicyMode = z.infer<typeof policyModeSchema>;

export const roles = ['admin', 'operator', 'viewer'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/**
 * A version as executors report it (`0.1.0`, `v1.35.2`, `v1.30.4-eks-036c24b`, `v1.29.2+k3s1`):
 * these strings reach terminals, dashboards and language models, so nothing else gets through.
 */
export const versionStringSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.+-]{0,63}$/, {
  message:
    'a version is 1-64 letters, digits, ".", "-" and "+", starting with a letter or digit, e.g. "v1.35.2"',
});
