import { z } from 'zod';

/** The kinds of error a container log can show, most specific first (a line gets the first that fits). */
export const logSignatureTypes = [
  'dns-failure',
  'connection-refused',
  'connection-timeout',
  'out-of-memory',
  'missing-env',
  'missing-file',
  'permission-denied',
  'startup-error',
  'panic',
] as const;
export type LogSignatureType = (typeof logSignatureTypes)[number];

/** A quoted log line: no line breaks, bounded (the quoter cuts at 200 characters). */
const singleLine = z
  .string()
  .max(240)
  .regex(/^[^\n\r\u2028\u2029]*$/, 'a quoted log line is a single line');

/**
 * One decisive log line. `line` is quoted from an untrusted log: one line, at most 200 characters,
 * secrets redacted, control characters escaped. `host`/`port` name what the container tried to
 * reach; `detail` the variable, file or module the line names.
 */
export const logSignatureSchema = z.strictObject({
  type: z.enum(logSignatureTypes),
  line: singleLine,
  host: z
    .string()
    .max(253)
    .regex(/^[A-Za-z0-9._:-]+$/)
    .optional(),
  port: z.number().int().min(1).max(65535).optional(),
  detail: z.string().max(200).optional(),
});
export type LogSignature = z.infer<typeof logSignatureSchema>;

/** The signatures found in one container's current or previous log, with the command that shows it. */
export const containerLogExcerptSchema = z.strictObject({
  namespace: z.string().min(1),
  pod: z.string().min(1),
  container: z.string().min(1),
  previous: z.boolean(),
  command: z.string().max(400),
  signatures: z.array(logSignatureSchema).max(20),
  /** The last non-empty line, quoted like a signature, for logs in which no signature was found. */
  lastLine: singleLine.optional(),
});
export type ContainerLogExcerpt = z.infer<typeof containerLogExcerptSchema>;
