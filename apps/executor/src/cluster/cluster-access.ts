import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How the executor's kubectl reaches and authenticates to its cluster, decided once at start.
 * - `kubeconfig`: a kubeconfig file (KUBECONFIG, else `~/.kube/config`), optionally pinned to a
 *   context; `path` null when none was found (start then fails closed: see check-kubeconfig-server).
 * - `inCluster`: the pod's ServiceAccount. kubectl gets a private kubeconfig naming the token *file*
 *   (re-read by every kubectl, so the kubelet's rotation is followed) and the CA file, never the
 *   implicit in-cluster fallback, whose absence would make kubectl try localhost:8080.
 */
export type ClusterAccess =
  | { readonly type: 'kubeconfig'; readonly path: string | null; readonly context: string | null }
  | {
      readonly type: 'inCluster';
      readonly server: string;
      readonly tokenFile: string;
      readonly caFile: string;
      readonly namespace: string | null;
    };

export const defaultServiceAccountDirectory = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Order: an explicit KUBECONFIG; else the pod's ServiceAccount when KUBERNETES_SERVICE_HOST/PORT
 * are set and its token and CA files exist; else `~/.kube/config` if it exists; else nothing.
 */
export function resolveClusterAccess(options: {
  kubeconfig: string | undefined;
  context: string | undefined;
  serviceAccountDirectory: string;
  serviceHost: string | undefined;
  servicePort: string | undefined;
  home: string | undefined;
}): ClusterAccess {
  const context = options.context ?? null;
  if (options.kubeconfig !== undefined) return { type: 'kubeconfig', path: options.kubeconfig, context };
  const tokenFile = join(options.serviceAccountDirectory, 'token');
  const caFile = join(options.serviceAccountDirectory, 'ca.crt');
  if (
    options.serviceHost !== undefined &&
    options.serviceHost !== '' &&
    options.servicePort !== undefined &&
    options.servicePort !== '' &&
    context === null &&
    existsSync(tokenFile) &&
    existsSync(caFile)
  ) {
    const host = options.serviceHost.includes(':') ? `[${options.serviceHost}]` : options.serviceHost;
    return {
      type: 'inCluster',
      server: `https://${host}:${options.servicePort}`,
      tokenFile,
      caFile,
      namespace: readNamespace(join(options.serviceAccountDirectory, 'namespace')),
    };
  }
  const home = options.home;
  const path = home === undefined || home === '' ? null : join(home, '.kube', 'config');
  return { type: 'kubeconfig', path: path !== null && existsSync(path) ? path : null, context };
}

function readNamespace(file: string): string | null {
  try {
    const namespace = readFileSync(file, 'utf8').trim();
    return /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(namespace) ? namespace : null;
  } catch {
    return null;
  }
}
