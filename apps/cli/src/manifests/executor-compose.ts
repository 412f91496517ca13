import { cliVersion } from '../version.js';
import type { ExecutorManifestOptions } from './executor-manifests.js';

/**
 * A compose file running the executor outside the cluster with an explicit kubeconfig (mounted
 * read-only) instead of a ServiceAccount; it joins a server that already runs elsewhere. The
 * container keeps the image's guarantees: non-root, read-only root filesystem, /tmp in memory.
 */
export function executorCompose(options: ExecutorManifestOptions): Record<string, unknown> {
  return {
    name: `kubently-executor-${options.clusterId}`,
    services: {
      executor: {
        image: `${options.imageRepository}:${cliVersion}`,
        restart: 'unless-stopped',
        read_only: true,
        user: '10001:10001',
        cap_drop: ['ALL'],
        security_opt: ['no-new-privileges:true'],
        tmpfs: ['/tmp'],
        environment: {
          KUBENTLY_API_URL: options.apiUrl,
          CLUSTER_ID: options.clusterId,
          KUBENTLY_TOKEN: options.token,
          KUBENTLY_POLICY_MODE: options.mode,
          ...(options.mode === 'fullAccess' ? { KUBENTLY_POLICY_FULL_ACCESS_ACKNOWLEDGED: 'true' } : {}),
          KUBECONFIG: '/kube/config',
        },
        volumes: ['${KUBECONFIG:-~/.kube/config}:/kube/config:ro'],
      },
    },
  };
}
