import type { FindingDraft } from '../model/finding.js';
import type { Container, Probe } from '../snapshot/kubernetes-types.js';
import { fieldEvidence } from '../util/evidence.js';
import { kubectlYaml } from '../util/kubectl.js';
import type { Rule } from './rule.js';

const probePort = (probe: Probe): number | string | undefined =>
  probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;

const templatePath = (kind: string): string =>
  kind === 'Pod' ? 'spec' : kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec';

export const probeMisconfiguredRule: Rule = {
  id: 'probe-misconfigured',
  title:
    'Probe on a port the container does not expose, or liveness timing so aggressive it kills slow starts',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const { workload, template } of context.workloadTemplates()) {
      for (const container of template.spec?.containers ?? []) {
        const name = container.name ?? '';
        const ports = container.ports ?? [];
        const probes: [string, Probe | undefined][] = [
          ['readinessProbe', container.readinessProbe],
          ['livenessProbe', container.livenessProbe],
          ['startupProbe', container.startupProbe],
        ];
        for (const [field, probe] of probes) {
          if (probe === undefined) continue;
          const port = probePort(probe);
          const path = `${templatePath(workload.kind)}.containers[${name}].${field}`;
          if (typeof port === 'string' && !/^\d+$/.test(port) && !ports.some((item) => item.name === port)) {
            drafts.push({
              rule: 'probe-misconfigured',
              severity: 'warning',
              resource: workload,
              causeKey: `${name}:${field}:named-port:${port}`,
              summary: `${field} of container ${name} uses port name "${port}", which the container does not declare`,
              rootCause: `The ${field} refers to the named port "${port}", but container ${name} declares ${ports.length === 0 ? 'no ports' : `only ${ports.map((item) => item.name ?? String(item.containerPort)).join(', ')}`}; the kubelet cannot resolve it and the probe always fails.`,
              evidence: [fieldEvidence(workload, path, `port: ${port}`, kubectlYaml(workload))],
              remediation: `Declare a containerPort named "${port}" on container ${name}, or use the port number in the probe.`,
            });
          } else if (
            typeof port === 'number' &&
            ports.length > 0 &&
            !ports.some((item) => item.containerPort === port)
          ) {
            drafts.push({
              rule: 'probe-misconfigured',
              severity: 'warning',
              resource: workload,
              causeKey: `${name}:${field}:port:${port}`,
              summary: `${field} of container ${name} probes port ${port}, which the container does not expose`,
              rootCause: `Container ${name} exposes ${ports.map((item) => String(item.containerPort)).join(', ')} but its ${field} targets port ${port}; unless the process also listens there, the probe fails with "connection refused".`,
              evidence: [fieldEvidence(workload, path, `port: ${port}`, kubectlYaml(workload))],
              remediation: `Point the ${field} at the port the process serves (one of ${ports.map((item) => String(item.containerPort)).join(', ')}).`,
            });
          }
        }
        drafts.push(...aggressiveLiveness(workload, container, templatePath(workload.kind)));
      }
    }
    return drafts;
  },
};

const aggressiveLiveness = (
  workload: FindingDraft['resource'],
  container: Container,
  base: string,
): FindingDraft[] => {
  const probe = container.livenessProbe;
  if (probe === undefined || container.startupProbe !== undefined) return [];
  const period = probe.periodSeconds ?? 10;
  const threshold = probe.failureThreshold ?? 3;
  const delay = probe.initialDelaySeconds ?? 0;
  const budget = delay + period * threshold;
  const timeout = probe.timeoutSeconds ?? 1;
  if (budget >= 10 && !(timeout >= period)) return [];
  const name = container.name ?? '';
  return [
    {
      rule: 'probe-misconfigured',
      severity: 'info',
      resource: workload,
      causeKey: `${name}:livenessProbe:timing`,
      summary: `liveness probe of container ${name} gives the app only ${budget}s before restarting it`,
      rootCause: `With initialDelaySeconds=${delay}, periodSeconds=${period}, failureThreshold=${threshold}, timeoutSeconds=${timeout} and no startupProbe, a start or pause longer than ${budget}s makes the kubelet kill the container, which can cause restart loops under load.`,
      evidence: [
        fieldEvidence(
          workload,
          `${base}.containers[${name}].livenessProbe`,
          `initialDelaySeconds=${delay} periodSeconds=${period} failureThreshold=${threshold} timeoutSeconds=${timeout}`,
          kubectlYaml(workload),
        ),
      ],
      remediation:
        'Add a startupProbe for slow starts, or raise failureThreshold/periodSeconds so the liveness budget covers the real start and GC pauses.',
    },
  ];
};
