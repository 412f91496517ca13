import type { FindingDraft } from '../model/finding.js';
import { eventEvidence, fieldEvidence } from '../util/evidence.js';
import { ageSeconds, formatAge } from '../util/pod-status.js';
import { refOf } from '../util/resource-ref.js';
import { oneLine } from '../util/text.js';
import type { Rule } from './rule.js';

/** A cloud load balancer normally gets an address within a couple of minutes. */
const pendingAfterSeconds = 300;

export const serviceLoadBalancerPendingRule: Rule = {
  id: 'service-loadbalancer-pending',
  title: 'Service type LoadBalancer without an external address',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const service of context.snapshot.services ?? []) {
      if (service.spec?.type !== 'LoadBalancer') continue;
      if ((service.status?.loadBalancer?.ingress ?? []).length > 0) continue;
      const age = ageSeconds(service.metadata?.creationTimestamp, context.now);
      if (age !== undefined && age < pendingAfterSeconds) continue;
      const resource = refOf('Service', service);
      const failure = context.warnings(resource, [
        'SyncLoadBalancerFailed',
        'CreatingLoadBalancerFailed',
        'UpdateLoadBalancerFailed',
      ])[0];
      drafts.push({
        rule: 'service-loadbalancer-pending',
        severity: 'warning',
        resource,
        causeKey: 'pending',
        summary: `LoadBalancer has no external address${age === undefined ? '' : ` after ${formatAge(age)}`}`,
        rootCause:
          failure === undefined
            ? 'status.loadBalancer.ingress is empty and no controller reported progress: the cluster has no load-balancer implementation (cloud controller, MetalLB, kube-vip), or it ignores this Service.'
            : `The load-balancer controller fails to provision it: "${oneLine(failure.message, 200)}".`,
        evidence: [
          fieldEvidence(resource, 'status.loadBalancer.ingress', '<empty>'),
          ...(failure === undefined ? [] : [eventEvidence(failure)]),
        ],
        remediation:
          failure === undefined
            ? 'Install or fix a load-balancer controller (cloud controller manager, MetalLB), or use type NodePort/an Ingress instead.'
            : 'Fix what the controller reports (quota, subnet tags, annotations, IP pool).',
      });
    }
    return drafts;
  },
};
