import { configMapUnusedRule } from './configmap-unused.js';
import { containerConfigErrorRule } from './container-config-error.js';
import { containerCrashLoopRule } from './container-crash-loop.js';
import { containerOomKilledRule } from './container-oom-killed.js';
import { containerProbeFailingRule } from './container-probe-failing.js';
import { containerRestartingRule } from './container-restarting.js';
import { containerTerminatedErrorRule } from './container-terminated-error.js';
import { cronJobNotSchedulingRule } from './cronjob-not-scheduling.js';
import { daemonSetUnavailableRule } from './daemonset-unavailable.js';
import { deletionBlockedRule } from './deletion-blocked.js';
import { deploymentUnavailableRule } from './deployment-unavailable.js';
import { hpaUnableToScaleRule } from './hpa-unable-to-scale.js';
import { imagePullFailureRule } from './image-pull-failure.js';
import { ingressBackendRule } from './ingress-backend.js';
import { ingressClassMissingRule } from './ingress-class-missing.js';
import { ingressTlsSecretMissingRule } from './ingress-tls-secret-missing.js';
import { initContainerFailureRule } from './init-container-failure.js';
import { jobFailedRule } from './job-failed.js';
import { limitRangeViolationRule } from './limitrange-violation.js';
import { missingConfigReferenceRule } from './missing-config-reference.js';
import { missingImagePullSecretRule } from './missing-image-pull-secret.js';
import { missingPvcRule } from './missing-pvc.js';
import { missingServiceAccountRule } from './missing-service-account.js';
import { networkPolicyBlocksDnsRule } from './network-policy-blocks-dns.js';
import { networkPolicyBlocksIngressRule } from './network-policy-blocks-ingress.js';
import { networkPolicySelectsNothingRule } from './network-policy-selects-nothing.js';
import { nodeNotReadyRule } from './node-not-ready.js';
import { nodePressureRule } from './node-pressure.js';
import { pdbBlockingDisruptionsRule } from './pdb-blocking-disruptions.js';
import { persistentVolumeUnhealthyRule } from './persistent-volume-unhealthy.js';
import { podEvictedRule } from './pod-evicted.js';
import { podUnschedulableRule } from './pod-unschedulable.js';
import { podVolumeFailureRule } from './pod-volume-failure.js';
import { probeMisconfiguredRule } from './probe-misconfigured.js';
import { pvcPendingRule } from './pvc-pending.js';
import { quotaExhaustedRule } from './quota-exhausted.js';
import { rbacAccessDeniedRule } from './rbac-access-denied.js';
import { rbacBindingBrokenRule } from './rbac-binding-broken.js';
import type { Rule } from './rule.js';
import { serviceLoadBalancerPendingRule } from './service-loadbalancer-pending.js';
import { serviceNoEndpointsRule } from './service-no-endpoints.js';
import { servicePortMismatchRule } from './service-port-mismatch.js';
import { statefulSetUnavailableRule } from './statefulset-unavailable.js';
import { storageClassDefaultConflictRule } from './storage-class-default-conflict.js';
import { warningEventsRule } from './warning-events.js';
import { webhookBackendUnavailableRule } from './webhook-backend-unavailable.js';
import { workloadCreateFailedRule } from './workload-create-failed.js';
import { workloadScaledToZeroRule } from './workload-scaled-to-zero.js';

export type { Rule } from './rule.js';

/** Every built-in rule, in the order they run (order does not change the report). */
export const rules: readonly Rule[] = [
  // Pods and containers
  containerCrashLoopRule,
  containerOomKilledRule,
  imagePullFailureRule,
  containerConfigErrorRule,
  initContainerFailureRule,
  containerProbeFailingRule,
  containerTerminatedErrorRule,
  containerRestartingRule,
  podUnschedulableRule,
  podEvictedRule,
  podVolumeFailureRule,
  // Pod templates checked before any pod exists
  missingConfigReferenceRule,
  missingImagePullSecretRule,
  missingServiceAccountRule,
  missingPvcRule,
  probeMisconfiguredRule,
  limitRangeViolationRule,
  // Workloads
  deploymentUnavailableRule,
  statefulSetUnavailableRule,
  daemonSetUnavailableRule,
  workloadCreateFailedRule,
  workloadScaledToZeroRule,
  jobFailedRule,
  cronJobNotSchedulingRule,
  hpaUnableToScaleRule,
  pdbBlockingDisruptionsRule,
  // Networking
  serviceNoEndpointsRule,
  servicePortMismatchRule,
  serviceLoadBalancerPendingRule,
  ingressBackendRule,
  ingressClassMissingRule,
  ingressTlsSecretMissingRule,
  networkPolicyBlocksIngressRule,
  networkPolicyBlocksDnsRule,
  networkPolicySelectsNothingRule,
  // Access control and admission
  rbacAccessDeniedRule,
  rbacBindingBrokenRule,
  webhookBackendUnavailableRule,
  quotaExhaustedRule,
  // Storage
  pvcPendingRule,
  persistentVolumeUnhealthyRule,
  storageClassDefaultConflictRule,
  // Nodes and cluster
  nodeNotReadyRule,
  nodePressureRule,
  deletionBlockedRule,
  configMapUnusedRule,
  warningEventsRule,
];
