import { KubentlyError } from '../kubently-error.js';

/** The `reason` of an SDK `A2AError` (also when the SDK wrapped it as the `cause`). */
function a2aReason(error: unknown): { reason: string; message: string } | undefined {
  for (const candidate of [error, error instanceof Error ? error.cause : undefined]) {
    if (candidate instanceof Error && 'reason' in candidate && typeof candidate.reason === 'string') {
      return { reason: candidate.reason, message: candidate.message };
    }
  }
  return undefined;
}

/** An A2A SDK failure as a `KubentlyError` that says what happened at which server. */
export function describeAgentError(error: unknown, url: string): KubentlyError {
  if (error instanceof KubentlyError) return error;
  const typed = a2aReason(error);
  const message = typed?.message ?? (error instanceof Error ? error.message : String(error));
  switch (typed?.reason ?? 'UNKNOWN') {
    case 'TASK_NOT_FOUND':
      return new KubentlyError('not_found', `the agent at ${url} does not know this task: ${message}`, {
        cause: error,
      });
    case 'TASK_NOT_CANCELABLE':
      return new KubentlyError('conflict', `the task can no longer be canceled: ${message}`, {
        cause: error,
      });
    case 'VERSION_NOT_SUPPORTED':
      return new KubentlyError(
        'internal',
        `the agent at ${url} does not speak A2A 1.0 (${message}): upgrade the server or this CLI`,
        { cause: error },
      );
    default:
      return new KubentlyError('internal', `the agent at ${url} failed: ${message}`, { cause: error });
  }
}
