import { z } from 'zod';

/**
 * Every error code any Kubently surface can return. HTTP status, JSON-RPC code and CLI exit code
 * are derived from the code in exactly one place per surface.
 */
export const errorCodes = [
  'bad_request',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'cluster_not_found',
  'cluster_exists',
  'session_not_found',
  'command_not_found',
  'policy_denied',
  'command_timeout',
  'executor_unavailable',
  'backend_unavailable',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'conflict',
  'shutting_down',
  'internal',
  /** A server-wide capacity limit (a cluster's queue, the retained result bytes); 503 with Retry-After. */
  'capacity_exceeded',
  /**
   * An executor presented a token of a cluster that has since been removed (410): the executor
   * stops for good instead of retrying. A token never valid is `unauthorized` (401).
   */
  'cluster_removed',
] as const;

export const errorCodeSchema = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const errorBodySchema = z.object({
  error: z.object({
    code: errorCodeSchema,
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
