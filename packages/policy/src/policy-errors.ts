/** Thrown when a policy configuration is invalid. The policy fails closed: nothing runs with it. */
export class PolicyConfigError extends Error {
  override readonly name = 'PolicyConfigError';
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** Thrown for malformed command input (unbalanced quotes, conflicting namespaces). */
export class PolicyInputError extends Error {
  override readonly name = 'PolicyInputError';
}
