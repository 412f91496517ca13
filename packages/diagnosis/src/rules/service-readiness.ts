import type { DiagnosisContext } from '../engine/diagnosis-context.js';
import type { Pod, Service } from '../snapshot/kubernetes-types.js';
import { isPodReady, isTerminal } from '../util/pod-status.js';

export interface ServiceReadiness {
  readonly selected: readonly Pod[];
  readonly ready: number;
  readonly notReady: readonly string[];
}

/**
 * Ready endpoints of a selector Service: from EndpointSlices when collected, otherwise from the
 * readiness of the pods it selects. Services without a selector report undefined (manual endpoints).
 */
export const serviceReadiness = (
  context: DiagnosisContext,
  service: Service,
): ServiceReadiness | undefined => {
  const selector = service.spec?.selector;
  if (service.spec?.type === 'ExternalName' || selector === undefined || Object.keys(selector).length === 0)
    return undefined;
  const selected = context
    .podsSelectedBy(service.metadata?.namespace ?? '', selector)
    .filter((pod) => !isTerminal(pod));
  if (context.has('endpointslices')) {
    let ready = 0;
    const notReady: string[] = [];
    for (const slice of context.endpointSlicesOf(service)) {
      for (const endpoint of slice.endpoints ?? []) {
        if (endpoint.conditions?.ready !== false) ready += 1;
        else notReady.push(endpoint.targetRef?.name ?? endpoint.addresses?.[0] ?? '?');
      }
    }
    return { selected, ready, notReady };
  }
  const notReady = selected.filter((pod) => !isPodReady(pod)).map((pod) => pod.metadata?.name ?? '');
  return { selected, ready: selected.length - notReady.length, notReady };
};
