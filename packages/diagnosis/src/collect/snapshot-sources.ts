import type { SnapshotKind } from '../snapshot/cluster-snapshot.js';

/** One `kubectl get` a snapshot kind is collected from. */
export interface SnapshotSource {
  readonly kind: SnapshotKind;
  /** The fully qualified resource (`deployments.apps`), so a CRD with the same plural never answers. */
  readonly resource: string;
  readonly namespaced: boolean;
  /**
   * True when a partial list is still safe to use: no rule concludes "does not exist" from this kind
   * (events), so a namespace that could not be listed only hides findings, never invents them.
   */
  readonly partialIsSafe: boolean;
}

const source = (
  kind: SnapshotKind,
  resource: string,
  namespaced: boolean,
  partialIsSafe = false,
): SnapshotSource => ({ kind, resource, namespaced, partialIsSafe });

/**
 * Every kind of `clusterSnapshotSchema` and where it comes from. Events are read from both the
 * core and the events.k8s.io API (one RBAC rule may allow only one of them); the two views of the
 * same event share a uid and are merged by it.
 */
export const snapshotSources: readonly SnapshotSource[] = [
  source('pods', 'pods', true),
  source('events', 'events', true, true),
  source('events', 'events.events.k8s.io', true, true),
  source('nodes', 'nodes', false),
  source('deployments', 'deployments.apps', true),
  source('replicasets', 'replicasets.apps', true),
  source('statefulsets', 'statefulsets.apps', true),
  source('daemonsets', 'daemonsets.apps', true),
  source('jobs', 'jobs.batch', true),
  source('cronjobs', 'cronjobs.batch', true),
  source('services', 'services', true),
  source('endpointslices', 'endpointslices.discovery.k8s.io', true),
  source('ingresses', 'ingresses.networking.k8s.io', true),
  source('ingressclasses', 'ingressclasses.networking.k8s.io', false),
  source('pvcs', 'persistentvolumeclaims', true),
  source('pvs', 'persistentvolumes', false),
  source('storageclasses', 'storageclasses.storage.k8s.io', false),
  source('configmaps', 'configmaps', true),
  source('secrets', 'secrets', true),
  source('serviceaccounts', 'serviceaccounts', true),
  source('roles', 'roles.rbac.authorization.k8s.io', true),
  source('rolebindings', 'rolebindings.rbac.authorization.k8s.io', true),
  source('clusterroles', 'clusterroles.rbac.authorization.k8s.io', false),
  source('clusterrolebindings', 'clusterrolebindings.rbac.authorization.k8s.io', false),
  source('networkpolicies', 'networkpolicies.networking.k8s.io', true),
  source('hpas', 'horizontalpodautoscalers.autoscaling', true),
  source('pdbs', 'poddisruptionbudgets.policy', true),
  source('resourcequotas', 'resourcequotas', true),
  source('limitranges', 'limitranges', true),
  source(
    'validatingwebhookconfigurations',
    'validatingwebhookconfigurations.admissionregistration.k8s.io',
    false,
  ),
  source(
    'mutatingwebhookconfigurations',
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

/** Lists namespace names compactly (`namespace/<name>` lines) for the per-namespace fallback. */
export const namespaceListArgs: readonly string[] = ['get', 'namespaces', '-o', 'name'];
