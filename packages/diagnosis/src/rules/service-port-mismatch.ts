import type { FindingDraft } from '../model/finding.js';
import type { ContainerPort } from '../snapshot/kubernetes-types.js';
import { fieldEvidence } from '../util/evidence.js';
import { kubectlYaml } from '../util/kubectl.js';
import { isTerminal } from '../util/pod-status.js';
import { refOf } from '../util/resource-ref.js';
import type { Rule } from './rule.js';

export const servicePortMismatchRule: Rule = {
  id: 'service-port-mismatch',
  title: 'Service targetPort (number or name) not exposed by the selected pods, or protocol mismatch',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const service of context.snapshot.services ?? []) {
      const selector = service.spec?.selector;
      if (selector === undefined || service.spec?.type === 'ExternalName') continue;
      const resource = refOf('Service', service);
      const pod = context
        .podsSelectedBy(resource.namespace, selector)
        .find((candidate) => !isTerminal(candidate));
      if (pod === undefined) continue;
      const podRef = refOf('Pod', pod);
      const declared: ContainerPort[] = (pod.spec?.containers ?? []).flatMap(
        (container) => container.ports ?? [],
      );
      const exposed =
        declared
          .map(
            (item) =>
              `${item.name === undefined ? '' : `${item.name}:`}${item.containerPort ?? '?'}/${item.protocol ?? 'TCP'}`,
          )
          .join(', ') || 'none';
      for (const port of service.spec?.ports ?? []) {
        const target = port.targetPort ?? port.port;
        const protocol = port.protocol ?? 'TCP';
        const label = port.name ?? String(port.port ?? '');
        if (typeof target === 'string' && !/^\d+$/.test(target)) {
          const match = declared.find((item) => item.name === target);
          if (match === undefined) {
            drafts.push({
              rule: 'service-port-mismatch',
              severity: 'critical',
              resource,
              causeKey: `${label}:named:${target}`,
              summary: `port ${label} targets port name "${target}", which the selected pods do not declare`,
              rootCause: `targetPort "${target}" must match a named containerPort; the pods declare ${exposed}, so the EndpointSlice has no port and connections fail.`,
              evidence: [
                fieldEvidence(resource, `spec.ports[${label}].targetPort`, target, kubectlYaml(resource)),
                fieldEvidence(podRef, 'spec.containers[*].ports', exposed),
              ],
              remediation: `Name a containerPort "${target}" in the pod template or set targetPort to the port number.`,
            });
          } else if ((match.protocol ?? 'TCP') !== protocol) {
            drafts.push(protocolDraft(resource, podRef, label, protocol, match));
          }
          continue;
        }
        const number = typeof target === 'number' ? target : Number(target);
        if (declared.length === 0) continue;
        const match = declared.find((item) => item.containerPort === number);
        if (match === undefined) {
          drafts.push({
            rule: 'service-port-mismatch',
            severity: 'critical',
            resource,
            causeKey: `${label}:number:${number}`,
            summary: `port ${label} targets ${number}, but the pods expose ${exposed}`,
            rootCause: `The Service forwards to targetPort ${number}, which no container of the selected pods declares (they expose ${exposed}); connections are refused.`,
            evidence: [
              fieldEvidence(
                resource,
                `spec.ports[${label}].targetPort`,
                String(number),
                kubectlYaml(resource),
              ),
              fieldEvidence(podRef, 'spec.containers[*].ports', exposed),
            ],
            remediation: `Set targetPort to the port the container listens on (${declared.map((item) => String(item.containerPort ?? '?')).join(' or ')}).`,
          });
        } else if ((match.protocol ?? 'TCP') !== protocol) {
          drafts.push(protocolDraft(resource, podRef, label, protocol, match));
        }
      }
    }
    return drafts;
  },
};

const protocolDraft = (
  resource: FindingDraft['resource'],
  podRef: FindingDraft['resource'],
  label: string,
  protocol: string,
  match: ContainerPort,
): FindingDraft => ({
  rule: 'service-port-mismatch',
  severity: 'warning',
  resource,
  causeKey: `${label}:protocol:${protocol}`,
  summary: `port ${label} uses ${protocol} but the container port ${match.containerPort ?? '?'} is ${match.protocol ?? 'TCP'}`,
  rootCause: `The Service sends ${protocol} to a port the container declares as ${match.protocol ?? 'TCP'}; the traffic never reaches the process.`,
  evidence: [
    fieldEvidence(resource, `spec.ports[${label}].protocol`, protocol, kubectlYaml(resource)),
    fieldEvidence(
      podRef,
      'spec.containers[*].ports',
      `${match.containerPort ?? '?'}/${match.protocol ?? 'TCP'}`,
    ),
  ],
  remediation: `Make the Service port protocol match the container (${match.protocol ?? 'TCP'}), e.g. DNS needs both UDP and TCP ports.`,
});
