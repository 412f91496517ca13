/**
 * Exit codes of `kubently`. `exec` passes kubectl's own exit code through, so Kubently's codes sit
 * where kubectl never exits (kubectl uses 0 and 1) and `124` matches timeout(1) and the executor.
 */
export const exitCodes = {
  ok: 0,
  error: 1,
  usage: 2,
  policyDenied: 3,
  unauthorized: 4,
  notFound: 5,
  serverUnreachable: 6,
  executorUnavailable: 7,
  findings: 8,
  timeout: 124,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

export const exitCodesHelp = `Exit codes:
  0    success (exec: kubectl's own exit code is passed through, e.g. 1)
  1    other error (server error, unexpected response)
  2    usage error: bad flags or arguments, unreadable or invalid config file
  3    the command policy denied the command (the reason is printed)
  4    the API key is missing or was rejected, or its role may not do this
  5    not found (cluster, command)
  6    no Kubently server reachable at the URL
  7    no executor connected for the cluster, or the executor failed
       (diagnose --kubeconfig: kubectl missing or the cluster unreachable)
  8    diagnose --fail-on: a finding at or above that severity was found
  124  the command timed out`;
