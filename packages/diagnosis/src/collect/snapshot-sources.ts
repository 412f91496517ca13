import type { ReadRequest } from '@kubently/protocol';

import type { SnapshotKind } from '../snapshot/cluster-snapshot.js';

/** One `kubectl get` a snapshot kind is collected from. */
export interface SnapshotSource {
  readonly kind: SnapshotKind;
  /** The API group and `kind` of the objects it lists, to sort a mixed list back into kinds. */
  readonly group: string;
  readonly objectKind: string;
  /** The fully qualified resource (`deployments.apps`), so a CRD with the same plural never answers. */
  readonly resource: string;
  /** The API version the read path lists (`kubectl get` picks the preferred one itself). */
  readonly version: string;
  /** The plural alone (`deployments`), for the API path. */
  readonly plural: string;
  readonly namespaced: boolean;
  /**
   * Listed with a command of its own even cluster-wide: kinds that grow large in real clusters
   * (pods, events, old ReplicaSets, ConfigMaps, Secrets, nodes), so one of them reaching the output
   * cap never costs the others a retry. The rest are listed together (see `collectSnapshot`).
   */
  readonly listedAlone: boolean;
  /**
   * True when a partial list is still safe to use: no rule concludes "does not exist" from this kind
   * (events), so a namespace that could not be listed only hides findings, never invents them.
   */
  readonly partialIsSafe: boolean;
}

const largeKinds = new Set<SnapshotKind>(['pods', 'events', 'replicasets', 'configmaps', 'secrets', 'nodes']);

const source = (
  kind: SnapshotKind,
  objectKind: string,
  resource: string,
  namespaced: boolean,
  partialIsSafe = false,
  version = 'v1',
): SnapshotSource => {
  const dot = resource.indexOf('.');
  return {
    version,
    plural: dot === -1 ? resource : resource.slice(0, dot),
    listedAlone: largeKinds.has(kind),
    kind,
    objectKind,
    group: dot === -1 ? '' : resource.slice(dot + 1),
    resource,
    namespaced,
    partialIsSafe,
  };
};

/**
 * Every kind of `clusterSnapshotSchema` and where it comes from. Events are read from both the
 * core and the events.k8s.io API (one RBAC rule may allow only one of them); the two views of the
 * same event share a uid and are merged by it.
 */
export const snapshotSources: readonly SnapshotSource[] = [
  source('pods', 'Pod', 'pods', true),
  source('events', 'Event', 'events', true, true),
  source('events', 'Event', 'events.events.k8s.io', true, true),
  source('nodes', 'Node', 'nodes', false),
  source('deployments', 'Deployment', 'deployments.apps', true),
  source('replicasets', 'ReplicaSet', 'replicasets.apps', true),
  source('statefulsets', 'StatefulSet', 'statefulsets.apps', true),
  source('daemonsets', 'DaemonSet', 'daemonsets.apps', true),
  source('jobs', 'Job', 'jobs.batch', true),
  source('cronjobs', 'CronJob', 'cronjobs.batch', true),
  source('services', 'Service', 'services', true),
  source('endpointslices', 'EndpointSlice', 'endpointslices.discovery.k8s.io', true),
  source('ingresses', 'Ingress', 'ingresses.networking.k8s.io', true),
  source('ingressclasses', 'IngressClass', 'ingressclasses.networking.k8s.io', false),
  source('pvcs', 'PersistentVolumeClaim', 'persistentvolumeclaims', true),
  source('pvs', 'PersistentVolume', 'persistentvolumes', false),
  source('storageclasses', 'StorageClass', 'storageclasses.storage.k8s.io', false),
  source('configmaps', 'ConfigMap', 'configmaps', true),
  source('secrets', 'Secret', 'secrets', true),
  source('serviceaccounts', 'ServiceAccount', 'serviceaccounts', true),
  source('roles', 'Role', 'roles.rbac.authorization.k8s.io', true),
  source('rolebindings', 'RoleBinding', 'rolebindings.rbac.authorization.k8s.io', true),
  source('clusterroles', 'ClusterRole', 'clusterroles.rbac.authorization.k8s.io', false),
  source('clusterrolebindings', 'ClusterRoleBinding', 'clusterrolebindings.rbac.authorization.k8s.io', false),
  source('networkpolicies', 'NetworkPolicy', 'networkpolicies.networking.k8s.io', true),
  source('hpas', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers.autoscaling', true, false, 'v2'),
  source('pdbs', 'PodDisruptionBudget', 'poddisruptionbudgets.policy', true),
  source('resourcequotas', 'ResourceQuota', 'resourcequotas', true),
  source('limitranges', 'LimitRange', 'limitranges', true),
  source(
    'validatingwebhookconfigurations',
    'ValidatingWebhookConfiguration',
    'validatingwebhookconfigurations.admissionregistration.k8s.io',
    false,
  ),
  source(
    'mutatingwebhookconfigurations',
    'MutatingWebhookConfiguration',
    'mutatingwebhookconfigurations.admissionregistration.k8s.io',
    false,
  ),
];

/** Where one `kubectl get` looks: the whole cluster (cluster-scoped kinds), all namespaces, or one. */
export type ListScope =
  | { readonly type: 'cluster' }
  | { readonly type: 'all-namespaces' }
  | { readonly type: 'namespace'; readonly namespace: string };

/** The read-only argv that lists `resource` in `scope` as JSON. */
export const listArgs = (resource: string, scope: ListScope): readonly string[] => {
  switch (scope.type) {
    case 'cluster':
      return ['get', resource, '-o', 'json'];
    case 'all-namespaces':
      return ['get', resource, '-A', '-o', 'json'];
    case 'namespace':
      return ['get', resource, '-n', scope.namespace, '-o', 'json'];
  }
};

/** Lists several sources with one kubectl command (`get a,b,c ... -o json`) in `scope`. */
export const bundleArgs = (sources: readonly SnapshotSource[], scope: ListScope): readonly string[] =>
  listArgs(sources.map((entry) => entry.resource).join(','), scope);

/** Lists every namespaced source of `sources` in one namespace with a single kubectl command. */
export const namespaceBundleArgs = (
  sources: readonly SnapshotSource[],
  namespace: string,
): readonly string[] => bundleArgs(sources, { type: 'namespace', namespace });

/** Lists namespace names compactly (`namespace/<name>` lines) for the per-namespace fallback. */
export const namespaceListArgs: readonly string[] = ['get', 'namespaces', '-o', 'name'];

/** The structured read (decision 0011) that lists `source` in one namespace or everywhere. */
export const sourceRead = (
  source: SnapshotSource,
  namespace: string | undefined,
  continueToken: string | undefined,
): ReadRequest => ({
  group: source.group,
  version: source.version,
  resource: source.plural,
  ...(namespace === undefined ? {} : { namespace }),
  ...(continueToken === undefined ? {} : { continue: continueToken }),
});
