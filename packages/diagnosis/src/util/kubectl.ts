import type { ResourceRef } from '../model/finding.js';

const namespaceFlag = (resource: ResourceRef): string =>
  resource.namespace === '' ? '' : ` -n ${resource.namespace}`;

/** `kubectl describe` of the object: shows its status, conditions and recent events. */
export const kubectlDescribe = (resource: ResourceRef): string =>
  `kubectl describe ${resource.kind.toLowerCase()} ${resource.name}${namespaceFlag(resource)}`;

/** `kubectl get -o jsonpath` of one field (the path without the leading dot and braces). */
export const kubectlField = (resource: ResourceRef, jsonPath: string): string =>
  `kubectl get ${resource.kind.toLowerCase()} ${resource.name}${namespaceFlag(resource)} -o jsonpath='{.${jsonPath}}'`;

export const kubectlYaml = (resource: ResourceRef): string =>
  `kubectl get ${resource.kind.toLowerCase()} ${resource.name}${namespaceFlag(resource)} -o yaml`;

/** The events of one object, newest last. */
export const kubectlEvents = (resource: ResourceRef): string =>
  `kubectl events${resource.namespace === '' ? '' : ` -n ${resource.namespace}`} --for ${resource.kind.toLowerCase()}/${resource.name}`;

/** Lists objects of a kind in the namespace (shows that something is absent). */
export const kubectlList = (kind: string, namespace: string, extra = ''): string =>
  `kubectl get ${kind}${namespace === '' ? '' : ` -n ${namespace}`}${extra === '' ? '' : ` ${extra}`}`;
