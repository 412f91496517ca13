/** A tool failure with a code from another vocabulary (the agent's `not_available`, `model_error`, ...). */
export class McpToolError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'McpToolError';
    this.code = code;
  }
}
