import type { DiagnosisContext } from '../engine/diagnosis-context.js';
import type { Evidence, FindingDraft, ResourceRef } from '../model/finding.js';
import type { Service } from '../snapshot/kubernetes-types.js';
import { absenceEvidence, fieldEvidence } from '../util/evidence.js';
import { kubectlList } from '../util/kubectl.js';
import { formatSelector, matchesMap } from '../util/label-selector.js';
import { isTerminal } from '../util/pod-status.js';
import { ref, refOf } from '../util/resource-ref.js';
import { listNames } from '../util/text.js';
import { ingressBackends } from './ingress-backends.js';
import type { Rule } from './rule.js';

const scalableKinds = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

/**
 * The Services left without a single pod because this workload is scaled to zero: their selector
 * matches its pod template and no other running pod.
 */
const servicesNeeding = (
  context: DiagnosisContext,
  workload: ResourceRef,
  labels: Readonly<Record<string, string>> | undefined,
): Service[] =>
  (context.snapshot.services ?? []).filter((service) => {
    const selector = service.spec?.selector;
    if (service.metadata?.namespace !== workload.namespace || service.spec?.type === 'ExternalName')
      return false;
    if (selector === undefined || Object.keys(selector).length === 0 || !matchesMap(selector, labels))
      return false;
    return context.podsSelectedBy(workload.namespace, selector).every((pod) => isTerminal(pod));
  });

export const workloadScaledToZeroRule: Rule = {
  id: 'workload-scaled-to-zero',
  title:
    'Deployment, StatefulSet or ReplicaSet scaled to 0 replicas: critical when a Service (and an Ingress behind it) has no other pod, advisory otherwise',
  run: (context) =>
    context.workloadTemplates().flatMap(({ workload, template }): FindingDraft[] => {
      if (!scalableKinds.has(workload.kind)) return [];
      const object = context.lookup(workload.kind, workload.namespace, workload.name) as
        { spec?: { replicas?: number } } | undefined;
      if (object?.spec?.replicas !== 0) return [];
      const services = servicesNeeding(context, workload, template.metadata?.labels);
      const serviceNames = new Set(services.map((service) => service.metadata?.name ?? ''));
      const ingresses = (context.snapshot.ingresses ?? []).filter(
        (ingress) =>
          ingress.metadata?.namespace === workload.namespace &&
          ingressBackends(ingress).some(({ backend }) => serviceNames.has(backend.service?.name ?? '')),
      );
      const kind = workload.kind.toLowerCase();
      const evidence: Evidence[] = [fieldEvidence(workload, 'spec.replicas', '0')];
      for (const service of services) {
        const serviceRef = refOf('Service', service);
        const selector = formatSelector(service.spec?.selector ?? {});
        evidence.push(
          absenceEvidence(
            serviceRef,
            `Service ${serviceRef.name} selects ${selector}: no running pod, only the template of ${kind}/${workload.name}`,
            kubectlList('pods', workload.namespace, `-l ${selector}`),
          ),
        );
      }
      for (const ingress of ingresses) {
        const ingressRef = refOf('Ingress', ingress);
        const routes = ingressBackends(ingress)
          .filter(({ backend }) => serviceNames.has(backend.service?.name ?? ''))
          .map(({ backend, where }) => `${where} → ${backend.service?.name ?? ''}`);
        evidence.push(
          fieldEvidence(ingressRef, 'spec.rules[*].http.paths[*].backend.service.name', listNames(routes, 3)),
        );
      }
      const needed = services.length > 0;
      const serviceList = listNames(
        [...serviceNames].map((name) => `Service ${name}`),
        3,
      );
      const ingressList = listNames(
        ingresses.map((ingress) => `Ingress ${ingress.metadata?.name ?? ''}`),
        3,
      );
      const scale = `\`kubectl scale ${kind}/${workload.name} -n ${workload.namespace} --replicas=<n>\``;
      return [
        {
          rule: 'workload-scaled-to-zero',
          severity: needed ? 'critical' : 'info',
          resource: workload,
          causeKey: 'scaled-to-zero',
          summary: needed
            ? `scaled to 0 replicas while ${serviceList}${ingresses.length === 0 ? '' : ` (routed by ${ingressList})`} depends on it`
            : 'scaled to 0 replicas; no Service depends on it',
          rootCause: needed
            ? `spec.replicas is 0, so ${serviceList} has no pod to send traffic to${ingresses.length === 0 ? '' : ` and ${ingressList} answers 503 for the routes to it`}. Whoever scaled it down (by hand, a scheduled scale-down, a failed deploy) took the service offline.`
            : 'spec.replicas is 0 and no Service selects its pods, so nothing is known to need it (a parked or retired workload).',
          evidence,
          remediation: needed
            ? `Scale it back up with ${scale}, or if it is retired on purpose, delete ${serviceList}${ingresses.length === 0 ? '' : ` and the routes of ${ingressList}`} that still point at it.`
            : `Nothing to do if it is parked on purpose; delete it if it is retired, or scale it up with ${scale}.`,
          affected: [
            ...services.map((service) => refOf('Service', service)),
            ...ingresses.map((ingress) => ref('Ingress', workload.namespace, ingress.metadata?.name ?? '')),
          ],
        },
      ];
    }),
};
