import type { ErrorCode } from '@kubently/protocol';

/**
 * The server's error codes plus the few failures that only exist on the CLI side (they never
 * cross a wire, so they are not part of the protocol union).
 */
export type CliErrorCode = ErrorCode | 'usage' | 'config_invalid' | 'server_unreachable';

export interface KubentlyErrorOptions {
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/** The one error type of the CLI; `run` maps its code to an exit code in `exit-code-for.ts`. */
export class KubentlyError extends Error {
  readonly code: CliErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: CliErrorCode, message: string, options: KubentlyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KubentlyError';
    this.code = code;
    this.details = options.details ?? {};
  }
}
