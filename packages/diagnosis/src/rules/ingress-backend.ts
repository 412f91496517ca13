import type { FindingDraft } from '../model/finding.js';
import { absenceEvidence, fieldEvidence } from '../util/evidence.js';
import { kubectlList, kubectlYaml } from '../util/kubectl.js';
import { ref, refOf } from '../util/resource-ref.js';
import { ingressBackends } from './ingress-backends.js';
import type { Rule } from './rule.js';
import { serviceReadiness } from './service-readiness.js';

export const ingressBackendRule: Rule = {
  id: 'ingress-backend',
  title:
    'Ingress backend Service missing, backend port not on the Service, or backend Service without ready endpoints',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const ingress of context.snapshot.ingresses ?? []) {
      const resource = refOf('Ingress', ingress);
      const seen = new Set<string>();
      for (const { backend, where } of ingressBackends(ingress)) {
        const name = backend.service?.name;
        if (name === undefined || seen.has(name)) continue;
        seen.add(name);
        const serviceRef = ref('Service', resource.namespace, name);
        const service = context.get('Service', resource.namespace, name);
        if (service === undefined) {
          if (!context.canJudgeMissing('services', resource.namespace)) continue;
          drafts.push({
            rule: 'ingress-backend',
            severity: 'critical',
            resource,
            causeKey: `missing-service:${name}`,
            summary: `backend Service ${name} (${where}) does not exist`,
            rootCause: `The Ingress routes ${where} to Service ${name}, which does not exist in namespace ${resource.namespace}; the controller answers 503/404.`,
            evidence: [
              fieldEvidence(
                resource,
                'spec.rules[*].http.paths[*].backend.service.name',
                name,
                kubectlYaml(resource),
              ),
              absenceEvidence(
                serviceRef,
                `Service ${name} not found`,
                kubectlList('service', resource.namespace),
              ),
            ],
            remediation: `Point the backend at an existing Service (\`kubectl get svc -n ${resource.namespace}\`) or create Service ${name}.`,
          });
          continue;
        }
        const port = backend.service?.port;
        const ports = service.spec?.ports ?? [];
        const portOk =
          port === undefined ||
          (port.number !== undefined && ports.some((item) => item.port === port.number)) ||
          (port.name !== undefined && ports.some((item) => item.name === port.name));
        if (!portOk) {
          const wanted = port.number === undefined ? `"${port.name ?? ''}"` : String(port.number);
          drafts.push({
            rule: 'ingress-backend',
            severity: 'critical',
            resource,
            causeKey: `missing-port:${name}:${wanted}`,
            summary: `backend port ${wanted} is not a port of Service ${name}`,
            rootCause: `The Ingress sends ${where} to port ${wanted} of Service ${name}, which only has ${ports.map((item) => `${item.name === undefined ? '' : `${item.name}:`}${item.port ?? '?'}`).join(', ') || 'no ports'}.`,
            evidence: [
              fieldEvidence(
                resource,
                'spec.rules[*].http.paths[*].backend.service.port',
                wanted,
                kubectlYaml(resource),
              ),
              fieldEvidence(
                serviceRef,
                'spec.ports',
                ports.map((item) => String(item.port ?? '?')).join(', '),
              ),
            ],
            remediation: `Use one of the Service's ports in the Ingress backend (or add port ${wanted} to the Service).`,
          });
          continue;
        }
        const readiness = serviceReadiness(context, service);
        if (readiness === undefined || readiness.ready > 0) continue;
        drafts.push({
          rule: 'ingress-backend',
          severity: 'critical',
          resource,
          causeKey: `unavailable:${name}`,
          summary: `backend Service ${name} has no ready endpoints`,
          rootCause: `Requests for ${where} go to Service ${name}, which has no ready endpoints, so the controller answers 503.`,
          evidence: [
            fieldEvidence(
              serviceRef,
              'endpoints',
              'no ready endpoints',
              kubectlList('endpointslices', resource.namespace, `-l kubernetes.io/service-name=${name}`),
            ),
          ],
          remediation: `Fix Service ${name} (linked cause).`,
          suspects: [{ ...serviceRef, rules: ['service-no-endpoints', 'service-port-mismatch'] }],
        });
      }
    }
    return drafts;
  },
};
