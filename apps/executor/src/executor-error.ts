import type { ErrorCode } from '@kubently/protocol';

/** The executor's one error type: an infrastructure failure with a protocol error code. */
export class KubentlyError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { details?: Record<string, unknown>; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KubentlyError';
    this.code = code;
    this.details = options?.details;
  }
}
