import type { FindingDraft, Suspect } from '../model/finding.js';
import type { Pod } from '../snapshot/kubernetes-types.js';
import { absenceEvidence, fieldEvidence } from '../util/evidence.js';
import { kubectlList } from '../util/kubectl.js';
import { formatSelector, matchesMap } from '../util/label-selector.js';
import { isPodReady, isTerminal } from '../util/pod-status.js';
import { ref, refOf } from '../util/resource-ref.js';
import { listNames } from '../util/text.js';
import type { Rule } from './rule.js';
import { serviceReadiness } from './service-readiness.js';

/** Labels of pods in the namespace that share a selector key but not the value: the likely typo. */
const nearMisses = (pods: readonly Pod[], selector: Readonly<Record<string, string>>): string[] => {
  const hints = new Set<string>();
  for (const pod of pods) {
    for (const key of Object.keys(selector)) {
      const value = pod.metadata?.labels?.[key];
      if (value !== undefined && value !== selector[key]) hints.add(`${key}=${value}`);
    }
  }
  return [...hints].sort();
};

export const serviceNoEndpointsRule: Rule = {
  id: 'service-no-endpoints',
  title:
    'Service with no ready endpoints (EndpointSlices): selector matches no pods, or the selected pods are not ready',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const service of context.snapshot.services ?? []) {
      const selector = service.spec?.selector;
      if (
        service.spec?.type === 'ExternalName' ||
        selector === undefined ||
        Object.keys(selector).length === 0
      )
        continue;
      const resource = refOf('Service', service);
      const selected = context.podsSelectedBy(resource.namespace, selector).filter((pod) => !isTerminal(pod));
      const selectorText = formatSelector(selector);
      if (selected.length === 0) {
        const workloads = context
          .workloadTemplates()
          .filter(
            ({ workload, template }) =>
              workload.namespace === resource.namespace &&
              workload.kind !== 'Pod' &&
              matchesMap(selector, template.metadata?.labels),
          );
        if (workloads.length > 0) {
          // A workload scaled to zero still leaves the Service without endpoints: an outage whose
          // root cause is the scale-down (workload-scaled-to-zero explains this finding).
          const scaledToZero = workloads.every(({ workload }) => {
            const object = context.lookup(workload.kind, workload.namespace, workload.name) as
              { spec?: { replicas?: number } } | undefined;
            return object?.spec?.replicas === 0;
          });
          const names = listNames(
            workloads.map(({ workload }) => `${workload.kind.toLowerCase()}/${workload.name}`),
          );
          drafts.push({
            rule: 'service-no-endpoints',
            severity: 'critical',
            resource,
            causeKey: scaledToZero ? 'scaled-to-zero' : 'no-pods',
            summary: `no endpoints: ${names} ${scaledToZero ? `${workloads.length === 1 ? 'is' : 'are'} scaled to 0 replicas` : 'has no running pods'}`,
            rootCause: `The selector ${selectorText} matches the pod template of ${names}, but no such pod is running, so the Service has no endpoints.`,
            evidence: [
              absenceEvidence(
                resource,
                `no running pod matches ${selectorText}`,
                kubectlList('pods', resource.namespace, `-l ${selectorText}`),
              ),
            ],
            remediation: 'Fix why the workload has no pods (linked cause).',
            suspects: workloads.map(({ workload }) => workload),
          });
          continue;
        }
        const hints = nearMisses(context.pods(resource.namespace), selector);
        drafts.push({
          rule: 'service-no-endpoints',
          severity: 'critical',
          resource,
          causeKey: 'selector-matches-nothing',
          summary: `selector ${selectorText} matches no pods${hints.length === 0 ? '' : ` (pods carry ${listNames(hints, 3)})`}`,
          rootCause: `No pod in namespace ${resource.namespace} has the labels ${selectorText}, so the Service has no endpoints and every connection fails.${hints.length === 0 ? '' : ` Pods nearby are labeled ${listNames(hints, 3)}: the selector or the pod labels have a typo.`}`,
          evidence: [
            fieldEvidence(resource, 'spec.selector', selectorText),
            absenceEvidence(
              resource,
              `no pod matches ${selectorText}`,
              kubectlList('pods', resource.namespace, `-l ${selectorText}`),
            ),
          ],
          remediation:
            'Make spec.selector equal the pod template labels of the workload this Service fronts.',
        });
        continue;
      }
      const { ready, notReady } = serviceReadiness(context, service) ?? { ready: 0, notReady: [] };
      if (notReady.length === 0 && ready > 0) continue;
      const suspects: Suspect[] = [
        ...selected
          .filter((pod) => !isPodReady(pod))
          .map((pod) => ref('Pod', resource.namespace, pod.metadata?.name ?? '')),
        { ...resource, rules: ['service-port-mismatch'] },
      ];
      if (ready === 0 && notReady.length === 0 && context.has('endpointslices')) {
        // Pods match but no endpoint exists at all: a named targetPort the pods lack, or the pods are not ready yet.
        for (const pod of selected) suspects.push(ref('Pod', resource.namespace, pod.metadata?.name ?? ''));
      }
      drafts.push({
        rule: 'service-no-endpoints',
        severity: ready === 0 ? 'critical' : 'warning',
        resource,
        causeKey: ready === 0 ? 'no-ready-endpoints' : 'some-not-ready',
        summary:
          ready === 0
            ? `no ready endpoints (${selected.length} pods selected, none ready)`
            : `${notReady.length} of ${ready + notReady.length} endpoints not ready`,
        rootCause:
          ready === 0
            ? `The selector ${selectorText} matches ${selected.length} pods but none is ready, so the Service routes nowhere.`
            : `${listNames(notReady, 3)} are not ready and get no traffic; capacity is reduced.`,
        evidence: [
          fieldEvidence(
            resource,
            'endpoints',
            `${ready} ready, ${notReady.length} not ready`,
            kubectlList(
              'endpointslices',
              resource.namespace,
              `-l kubernetes.io/service-name=${resource.name}`,
            ),
          ),
        ],
        remediation: 'Fix why the selected pods are not ready (linked cause).',
        suspects,
      });
    }
    return drafts;
  },
};
