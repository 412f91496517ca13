import type { ResourceRef } from '../model/finding.js';
import type { KubeObject } from '../snapshot/kubernetes-types.js';

export const refOf = (kind: string, object: KubeObject): ResourceRef => ({
  kind,
  namespace: object.metadata?.namespace ?? '',
  name: object.metadata?.name ?? '',
});

export const ref = (kind: string, namespace: string, name: string): ResourceRef => ({
  kind,
  namespace,
  name,
});

export const refKey = (resource: ResourceRef): string =>
  `${resource.kind}/${resource.namespace}/${resource.name}`;

export const describeRef = (resource: ResourceRef): string =>
  resource.namespace === ''
    ? `${resource.kind.toLowerCase()}/${resource.name}`
    : `${resource.kind.toLowerCase()}/${resource.name} (namespace ${resource.namespace})`;

export const shortRef = (resource: ResourceRef): string =>
  resource.namespace === ''
    ? `${resource.kind}/${resource.name}`
    : `${resource.kind}/${resource.namespace}/${resource.name}`;
