import type { FindingDraft } from '../model/finding.js';
import type { KubeObject, PodTemplate } from '../snapshot/kubernetes-types.js';
import { absenceEvidence, eventEvidence, fieldEvidence } from '../util/evidence.js';
import { kubectlList } from '../util/kubectl.js';
import { ref, refOf } from '../util/resource-ref.js';
import { oneLine } from '../util/text.js';
import type { Rule } from './rule.js';

/** The pod template of a scalable object, read defensively. */
const templateOf = (object: KubeObject | undefined): PodTemplate | undefined => {
  const spec = (object as { spec?: { template?: PodTemplate } } | undefined)?.spec;
  return spec?.template;
};

const scalable: Readonly<Record<string, string>> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  ReplicaSet: 'replicasets',
};

export const hpaUnableToScaleRule: Rule = {
  id: 'hpa-unable-to-scale',
  title:
    'HPA cannot scale: metrics API missing, containers without resource requests, target missing, or pinned at maxReplicas',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const hpa of context.snapshot.hpas ?? []) {
      const resource = refOf('HorizontalPodAutoscaler', hpa);
      const target = hpa.spec?.scaleTargetRef;
      const targetKind = target?.kind ?? '';
      const targetRef = ref(targetKind, resource.namespace, target?.name ?? '');
      const listKey = scalable[targetKind];
      const targetObject = templateOf(context.lookup(targetKind, resource.namespace, target?.name ?? ''));
      if (
        listKey !== undefined &&
        context.lookup(targetKind, resource.namespace, target?.name ?? '') === undefined &&
        context.sees(resource.namespace) &&
        context.has(listKey as 'deployments')
      ) {
        drafts.push({
          rule: 'hpa-unable-to-scale',
          severity: 'warning',
          resource,
          causeKey: 'missing-target',
          summary: `scale target ${targetKind}/${target?.name ?? ''} does not exist`,
          rootCause: `The HPA targets ${targetKind} ${target?.name ?? ''}, which does not exist, so it does nothing.`,
          evidence: [
            absenceEvidence(
              targetRef,
              `${targetKind} ${target?.name ?? ''} not found`,
              kubectlList(targetKind.toLowerCase(), resource.namespace),
            ),
          ],
          remediation: 'Fix spec.scaleTargetRef or delete the HPA.',
        });
        continue;
      }
      const active = hpa.status?.conditions?.find((item) => item.type === 'ScalingActive');
      const resourceMetrics = (hpa.spec?.metrics ?? [])
        .filter((metric) => metric.type === 'Resource')
        .map((metric) => metric.resource?.name ?? '');
      if (hpa.spec?.targetCPUUtilizationPercentage !== undefined) resourceMetrics.push('cpu');
      const missingRequests = (targetObject?.spec?.containers ?? []).filter((container) =>
        resourceMetrics.some((name) => container.resources?.requests?.[name] === undefined),
      );
      const event = context.warnings(resource, [
        'FailedGetResourceMetric',
        'FailedComputeMetricsReplicas',
        'FailedGetExternalMetric',
        'FailedGetPodsMetric',
      ])[0];
      const message = active?.status === 'False' ? (active.message ?? '') : (event?.message ?? '');
      if (missingRequests.length > 0 || /missing request for/.test(message)) {
        const names = missingRequests.map((container) => container.name ?? '').join(', ');
        drafts.push({
          rule: 'hpa-unable-to-scale',
          severity: 'warning',
          resource,
          causeKey: 'missing-requests',
          summary: `cannot compute utilization: container${missingRequests.length === 1 ? '' : 's'} ${names || '?'} of ${targetKind}/${target?.name ?? ''} set no ${resourceMetrics.join('/')} request`,
          rootCause: `Utilization targets are percentages of the container requests; ${names || 'a container'} has no ${resourceMetrics.join('/')} request, so the HPA cannot scale.`,
          evidence: [
            fieldEvidence(
              targetRef,
              'spec.template.spec.containers[*].resources.requests',
              '<unset>',
              `kubectl get ${targetKind.toLowerCase()} ${target?.name ?? ''} -n ${resource.namespace} -o jsonpath='{.spec.template.spec.containers[*].resources}'`,
            ),
            ...(event === undefined ? [] : [eventEvidence(event)]),
          ],
          remediation: `Set resources.requests.${resourceMetrics[0] ?? 'cpu'} on every container of ${targetKind}/${target?.name ?? ''}.`,
          suspects: [{ ...targetRef, rules: ['missing-config-reference'] }],
        });
        continue;
      }
      if (message !== '' && (active?.status === 'False' || event !== undefined)) {
        const noMetricsApi =
          /metrics\.k8s\.io|unable to fetch metrics|no metrics returned|the server could not find the requested resource/.test(
            message,
          );
        drafts.push({
          rule: 'hpa-unable-to-scale',
          severity: 'warning',
          resource,
          causeKey: noMetricsApi ? 'no-metrics-api' : 'metrics-failed',
          summary: noMetricsApi
            ? 'metrics unavailable: the resource metrics API (metrics-server) does not answer'
            : `scaling inactive: ${oneLine(message, 120)}`,
          rootCause: noMetricsApi
            ? `The HPA cannot read pod metrics: "${oneLine(message, 200)}". metrics-server is missing or unhealthy, so the workload never scales.`
            : `The HPA reports: "${oneLine(message, 240)}".`,
          evidence: [
            ...(active === undefined
              ? []
              : [
                  fieldEvidence(
                    resource,
                    'status.conditions[ScalingActive]',
                    `${active.status ?? ''} ${active.reason ?? ''}: ${active.message ?? ''}`,
                  ),
                ]),
            ...(event === undefined ? [] : [eventEvidence(event)]),
          ],
          remediation: noMetricsApi
            ? 'Install or repair metrics-server (`kubectl get apiservice v1beta1.metrics.k8s.io`, `kubectl top pods` must work).'
            : 'Fix the metric source the message names (custom/external metrics adapter, metric name).',
        });
        continue;
      }
      const limited = hpa.status?.conditions?.find((item) => item.type === 'ScalingLimited');
      if (limited?.status === 'True' && limited.reason === 'TooManyReplicas') {
        drafts.push({
          rule: 'hpa-unable-to-scale',
          severity: 'warning',
          resource,
          causeKey: 'at-max',
          summary: `pinned at maxReplicas ${hpa.spec?.maxReplicas ?? '?'} and still wants more`,
          rootCause: `Load needs more replicas than maxReplicas (${hpa.spec?.maxReplicas ?? '?'}); the workload runs hot.`,
          evidence: [
            fieldEvidence(
              resource,
              'status.conditions[ScalingLimited]',
              `True ${limited.reason}: ${limited.message ?? ''}`,
            ),
          ],
          remediation:
            'Raise maxReplicas (and check the quota and node capacity), or make each replica handle more load.',
        });
      }
    }
    return drafts;
  },
};
