import type { ExecutorManifestOptions } from './executor-manifests.js';

/**
 * Values for an executor-only release of deploy/helm/kubently (`helm install ... -f <file>`): the
 * same inputs as `executorManifests`, so both paths give the same objects.
 */
export function executorHelmValues(options: ExecutorManifestOptions): Record<string, unknown> {
  return {
    server: { enabled: false },
    executor: {
      enabled: true,
      clusterId: options.clusterId,
      apiUrl: options.apiUrl,
      token: { value: options.token },
      mode: options.mode,
      fullAccess: { acknowledged: options.mode === 'fullAccess' },
      rbac: { secrets: options.secrets, extraApiGroups: [...options.extraApiGroups] },
      image: { repository: options.imageRepository },
    },
  };
}
