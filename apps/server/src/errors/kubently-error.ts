import type { ErrorCode } from '@kubently/protocol';

/** The server's one error type: a protocol error code, a message that names the fix, details. */
export class KubentlyError extends Error {
  override readonly name = 'KubentlyError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** Whole seconds the caller should wait before retrying (HTTP `Retry-After`); set by limits. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const isKubentlyError = (value: unknown): value is KubentlyError => value instanceof KubentlyError;
