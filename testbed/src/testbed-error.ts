/** Failure kinds of the testbed; each message names the problem and the fix. */
export type TestbedErrorCode =
  | 'binaries_missing'
  | 'build_failed'
  | 'component_failed'
  | 'timeout'
  | 'not_running'
  | 'already_running'
  | 'invalid_input'
  | 'kubectl_failed';

export class TestbedError extends Error {
  readonly code: TestbedErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: TestbedErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TestbedError';
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }
}
