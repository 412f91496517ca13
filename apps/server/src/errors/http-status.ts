import type { ErrorCode } from '@kubently/protocol';

type HttpErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 503 | 504;

/** The one place an error code becomes an HTTP status. */
export const httpStatusOf = (code: ErrorCode): HttpErrorStatus => {
  switch (code) {
    case 'bad_request':
    case 'validation_failed':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
    case 'cluster_not_found':
    case 'session_not_found':
    case 'command_not_found':
      return 404;
    case 'cluster_exists':
    case 'conflict':
      return 409;
    case 'cluster_removed':
      return 410;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'policy_denied':
      return 422;
    case 'rate_limited':
      return 429;
    case 'internal':
      return 500;
    case 'executor_unavailable':
    case 'backend_unavailable':
    case 'shutting_down':
    case 'capacity_exceeded':
      return 503;
    case 'command_timeout':
      return 504;
  }
};
