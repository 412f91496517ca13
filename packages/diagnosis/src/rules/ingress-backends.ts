import type { Ingress, IngressBackend } from '../snapshot/kubernetes-types.js';

/** One backend of an Ingress and where it is routed from (`host/path` or `defaultBackend`). */
export interface RoutedBackend {
  readonly backend: IngressBackend;
  readonly where: string;
}

/** Every backend an Ingress routes to: the default backend, then each rule's paths. */
export const ingressBackends = (ingress: Ingress): RoutedBackend[] => {
  const spec = ingress.spec;
  const list: RoutedBackend[] = [];
  if (spec?.defaultBackend !== undefined)
    list.push({ backend: spec.defaultBackend, where: 'defaultBackend' });
  for (const rule of spec?.rules ?? []) {
    for (const path of rule.http?.paths ?? []) {
      if (path.backend !== undefined)
        list.push({ backend: path.backend, where: `${rule.host ?? '*'}${path.path ?? '/'}` });
    }
  }
  return list;
};
