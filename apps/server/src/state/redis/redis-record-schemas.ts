import {
  clusterIdSchema,
  commandFailureSchema,
  commandResultSchema,
  commandSchema,
  roleSchema,
} from '@kubently/protocol';
import { z } from 'zod';

import type { StoredToken } from '../cluster-registry.js';
import { commandSources, recordStatuses } from '../command-store.js';
import type { CommandOrigin, CommandRecord } from '../command-store.js';

/**
 * Schemas of what the Redis backend stores that is not itself a protocol type: the command
 * record hash, its origin, token hashes and the replicas' event messages. Each is annotated with
 * the state type it produces, so a field added to the type without its schema fails to compile.
 */

/** JSON text decoded and then checked by `schema` (hash fields and messages carry JSON strings). */
export const jsonText = <T>(schema: z.ZodType<T>): z.ZodType<T, string> =>
  z
    .string()
    .transform((text, context): unknown => {
      try {
        return JSON.parse(text);
      } catch {
        context.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

/** A number Redis returns as a string (hash fields, script arguments written back). */
const numberText = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/, 'not a number')
  .transform(Number);

export const commandOriginSchema: z.ZodType<CommandOrigin> = z.object({
  identity: z.string(),
  serviceIdentity: z.string().max(128).optional(),
  role: roleSchema,
  source: z.enum(commandSources),
});

/** A record as JSON (the `finished` event carries one). */
export const commandRecordSchema: z.ZodType<CommandRecord> = z.object({
  command: commandSchema,
  origin: commandOriginSchema,
  status: z.enum(recordStatuses),
  createdAt: z.number(),
  deliveredTo: z.string().nullable(),
  result: commandResultSchema.nullable(),
  failure: commandFailureSchema.nullable(),
  finishedAt: z.number().nullable(),
  acked: z.boolean(),
});

/** The `command:<id>` hash as HGETALL returns it: the record plus its logical expiry. */
export const commandHashSchema: z.ZodType<{ record: CommandRecord; expiresAt: number }> = z
  .object({
    command: jsonText(commandSchema),
    origin: jsonText(commandOriginSchema),
    status: z.enum(recordStatuses),
    createdAt: numberText,
    deliveredTo: z.string().optional(),
    result: jsonText(commandResultSchema).optional(),
    failure: jsonText(commandFailureSchema).optional(),
    finishedAt: numberText.optional(),
    acked: z.enum(['0', '1']),
    expiresAt: numberText,
  })
  .transform((fields) => ({
    record: {
      command: fields.command,
      origin: fields.origin,
      status: fields.status,
      createdAt: fields.createdAt,
      deliveredTo: fields.deliveredTo ?? null,
      result: fields.result ?? null,
      failure: fields.failure ?? null,
      finishedAt: fields.finishedAt ?? null,
      acked: fields.acked === '1',
    },
    expiresAt: fields.expiresAt,
  }));

export const storedTokenSchema: z.ZodType<StoredToken> = z.object({
  hash: z.string().min(1).max(256),
  expiresAt: z.number().nullable(),
});

/** A cluster hash: `createdAt` marks that it exists, `tokens` is JSON. */
export const clusterHashSchema = z.object({
  createdAt: numberText,
  tokens: jsonText(z.array(storedTokenSchema)),
});

/** The value of a `token:<hash>` key. */
export const tokenOwnerSchema = clusterIdSchema;

/** A stream entry id (`<ms>-<seq>`), as the queue index stores it. */
export const streamEntryIdSchema = z.string().regex(/^\d+-\d+$/);

/**
 * Messages on the replicas' `events` channel. `finished` carries the record as a JSON string (the
 * wire form since the first release, kept so replicas of two versions interoperate).
 */
export const redisEventMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('enqueued'), from: z.string(), clusterId: clusterIdSchema }),
  z.object({ type: z.literal('finished'), from: z.string(), record: jsonText(commandRecordSchema) }),
]);
