import type { ErrorCode } from '@kubently/protocol';

/**
 * The agent package's one error class. Thrown only for infrastructure or configuration problems;
 * tool failures and policy denials are results the model reads, never exceptions.
 */
export class AgentError extends Error {
  override readonly name = 'AgentError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }
}
