import { z } from 'zod';

import { clusterIdSchema, isoDateSchema, roleSchema } from './identifiers.js';

/** Who a key belongs to: a service or a person, shown in the audit. */
export const keyIdentitySchema = z.string().regex(/^[A-Za-z0-9._@-]{1,128}$/, {
  message:
    'identity must be 1-128 letters, digits, ".", "_", "@" or "-", e.g. "ci-deployer" or "alice@example.com"',
});

/** An X-Service-Identity value: the service a shared key acts for. */
export const serviceIdentitySchema = z.string().regex(/^[A-Za-z0-9._@:-]{1,128}$/, {
  message: 'a service identity must be 1-128 letters, digits, ".", "_", "@", ":" or "-", e.g. "billing-bot"',
});

/** Longest lifetime a key can be given at creation (10 years). */
export const keyLimits = {
  maxExpiresInSeconds: 10 * 365 * 86_400,
  maxClusters: 256,
  maxServiceIdentities: 64,
} as const;

export const createKeyRequestSchema = z
  .object({
    identity: keyIdentitySchema,
    role: roleSchema,
    /** The clusters the key may see and act on; absent: every cluster. */
    clusters: z.array(clusterIdSchema).min(1).max(keyLimits.maxClusters).optional(),
    /** The only X-Service-Identity values the key may assert; absent: any (docs/keys.md). */
    serviceIdentities: z.array(serviceIdentitySchema).min(1).max(keyLimits.maxServiceIdentities).optional(),
    /** Seconds from now until the key stops working; absent: it never expires. */
    expiresInSeconds: z.number().int().min(60).max(keyLimits.maxExpiresInSeconds).optional(),
  })
  .strict();
export type CreateKeyRequest = z.infer<typeof createKeyRequestSchema>;

export const rotateKeyRequestSchema = z
  .object({
    /** How long the previous key keeps working (default: the server's KUBENTLY_TOKEN_OVERLAP_SECONDS). */
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .optional(),
  })
  .strict();
export type RotateKeyRequest = z.infer<typeof rotateKeyRequestSchema>;

/** What the server tells about a key; never the key or its hash. */
export const keyRecordSchema = z.object({
  identity: keyIdentitySchema,
  role: roleSchema,
  /** null: every cluster. */
  clusters: z.array(clusterIdSchema).nullable(),
  /** The only X-Service-Identity values the key may assert; null: any (absent from older servers). */
  serviceIdentities: z.array(serviceIdentitySchema).nullable().default(null),
  /** `environment`: from KUBENTLY_API_KEYS (bootstrap; change it there, not through the API). */
  source: z.enum(['managed', 'environment']),
  createdAt: isoDateSchema.nullable(),
  expiresAt: isoDateSchema.nullable(),
  /** Updated at most once a minute per key and replica. */
  lastUsedAt: isoDateSchema.nullable(),
  /** After a rotation: until when the previous key keeps working. */
  previousKeyExpiresAt: isoDateSchema.nullable(),
});
export type KeyRecord = z.infer<typeof keyRecordSchema>;

/** Create and rotate answer with the key itself, once; the server keeps only its hash. */
export const issuedKeySchema = keyRecordSchema.extend({ key: z.string() });
export type IssuedKey = z.infer<typeof issuedKeySchema>;

export const keyListSchema = z.object({ keys: z.array(keyRecordSchema) });
export type KeyList = z.infer<typeof keyListSchema>;
