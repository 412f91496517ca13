/** A Kubernetes API authorization denial quoted in a log line, event or termination message. */
export interface ForbiddenAccess {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly verb: string;
  readonly resource: string;
  readonly apiGroup: string;
  readonly scope: string;
}

/**
 * Parses `User "system:serviceaccount:shop:api" cannot list resource "pods" in API group "" in the
 * namespace "shop"` (and the cluster-scope variant).
 */
export const parseForbidden = (message: string): ForbiddenAccess | undefined => {
  const match =
    /system:serviceaccount:([^:"\s]+):([^"\s]+)"? cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: (?:in the namespace "([^"]+)"|at the cluster scope))?/.exec(
      message,
    );
  if (match === null) return undefined;
  return {
    namespace: match[1] ?? '',
    serviceAccount: match[2] ?? '',
    verb: match[3] ?? '',
    resource: match[4] ?? '',
    apiGroup: match[5] ?? '',
    scope: match[6] ?? '',
  };
};
