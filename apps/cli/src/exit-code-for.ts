import { exitCodes } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';
import type { CliErrorCode } from './kubently-error.js';

/** The single mapping from an error code to the process exit code. */
export function exitCodeFor(code: CliErrorCode): ExitCode {
  switch (code) {
    case 'usage':
    case 'config_invalid':
    case 'bad_request':
    case 'validation_failed':
    case 'payload_too_large':
    case 'unsupported_media_type':
      return exitCodes.usage;
    case 'policy_denied':
      return exitCodes.policyDenied;
    case 'unauthorized':
    case 'forbidden':
      return exitCodes.unauthorized;
    case 'not_found':
    case 'cluster_not_found':
    case 'cluster_removed':
    case 'session_not_found':
    case 'command_not_found':
      return exitCodes.notFound;
    case 'server_unreachable':
      return exitCodes.serverUnreachable;
    case 'executor_unavailable':
      return exitCodes.executorUnavailable;
    case 'command_timeout':
      return exitCodes.timeout;
    case 'cluster_exists':
    case 'conflict':
    case 'backend_unavailable':
    case 'rate_limited':
    case 'capacity_exceeded':
    case 'shutting_down':
    case 'internal':
      return exitCodes.error;
  }
}
