import type { DiagnosisContext } from '../engine/diagnosis-context.js';
import type { ResourceRef } from '../model/finding.js';
import { ref } from '../util/resource-ref.js';

const ipv4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** A Service a log line names, and whether it exists in the snapshot. */
export interface LogServiceTarget {
  readonly service: ResourceRef;
  readonly exists: boolean;
}

/**
 * The in-cluster Service a host from a log stands for: a ClusterIP; `svc`, `svc.ns`,
 * `svc.ns.svc[.cluster.local]`; or a StatefulSet pod's name `pod.svc[.ns...]`. Names that are
 * not in-cluster (`api.example.com`) and namespaces the snapshot did not collect give undefined.
 */
export const logServiceTarget = (
  context: DiagnosisContext,
  namespace: string,
  host: string,
): LogServiceTarget | undefined => {
  if (!context.has('services')) return undefined;
  if (host === 'localhost') return undefined;
  if (ipv4.test(host)) {
    const service = (context.snapshot.services ?? []).find(
      (candidate) => candidate.spec?.clusterIP === host && candidate.spec.clusterIP !== 'None',
    );
    return service === undefined
      ? undefined
      : {
          service: ref('Service', service.metadata?.namespace ?? '', service.metadata?.name ?? ''),
          exists: true,
        };
  }
  let parts = host.toLowerCase().replace(/\.$/, '').split('.');
  const inCluster =
    parts.length === 1 || parts.at(-1) === 'svc' || parts.slice(-3).join('.') === 'svc.cluster.local';
  if (parts.slice(-3).join('.') === 'svc.cluster.local') parts = parts.slice(0, -3);
  else if (parts.at(-1) === 'svc') parts = parts.slice(0, -1);
  const exists = (name: string | undefined, ns: string | undefined): boolean =>
    name !== undefined && ns !== undefined && context.get('Service', ns, name) !== undefined;
  const found = (name: string, ns: string): LogServiceTarget => ({
    service: ref('Service', ns, name),
    exists: true,
  });
  const [first = '', second, third] = parts;
  if (parts.length === 1) {
    return context.sees(namespace)
      ? { service: ref('Service', namespace, first), exists: exists(first, namespace) }
      : undefined;
  }
  if (parts.length === 2 && second !== undefined) {
    if (exists(first, second)) return found(first, second);
    if (exists(second, namespace)) return found(second, namespace);
    // `db-0.db-headless`: a StatefulSet's pod under its governing Service, in the same namespace.
    const governed = (context.snapshot.statefulsets ?? []).some(
      (set) => set.metadata?.namespace === namespace && set.spec?.serviceName === second,
    );
    if (governed && context.sees(namespace))
      return { service: ref('Service', namespace, second), exists: false };
    return inCluster && context.sees(second)
      ? { service: ref('Service', second, first), exists: false }
      : undefined;
  }
  if (parts.length === 3 && second !== undefined && third !== undefined) {
    if (exists(second, third)) return found(second, third);
    return inCluster && context.sees(third)
      ? { service: ref('Service', third, second), exists: false }
      : undefined;
  }
  return undefined;
};
