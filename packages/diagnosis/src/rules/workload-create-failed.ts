import type { FindingDraft, ResourceRef, Suspect } from '../model/finding.js';
import type { KubeObject } from '../snapshot/kubernetes-types.js';
import { eventEvidence, fieldEvidence } from '../util/evidence.js';
import type { CreateFailure } from '../util/parse-create-failure.js';
import { parseCreateFailure } from '../util/parse-create-failure.js';
import { ageSeconds, condition } from '../util/pod-status.js';
import { ref, refOf } from '../util/resource-ref.js';
import { oneLine } from '../util/text.js';
import type { Rule } from './rule.js';
import type { DiagnosisContext } from '../engine/diagnosis-context.js';

/** FailedCreate events older than this are history once the controller has caught up. */
const recentSeconds = 3600;

const explain = (failure: CreateFailure): { summary: string; rootCause: string; remediation: string } => {
  switch (failure.type) {
    case 'quota-exceeded':
      return {
        summary: `pods rejected: ResourceQuota ${failure.quota} exceeded${failure.resources === '' ? '' : ` (${failure.resources})`}`,
        rootCause: `Admission rejects new pods because ResourceQuota ${failure.quota} would be exceeded${failure.resources === '' ? '' : ` by ${failure.resources}`}.`,
        remediation: `Raise the quota (\`kubectl describe resourcequota ${failure.quota}\` shows used vs hard), lower the pod requests/limits, or scale down other workloads in the namespace.`,
      };
    case 'quota-requires-limits':
      return {
        summary: `pods rejected: ResourceQuota ${failure.quota} requires ${failure.resources}`,
        rootCause: `ResourceQuota ${failure.quota} constrains compute resources, so every pod must set ${failure.resources}; this pod template does not.`,
        remediation:
          'Set resources.requests/limits on every container, or add a LimitRange with defaults in the namespace.',
      };
    case 'limit-range':
      return {
        summary: 'pods rejected by a LimitRange',
        rootCause: `A LimitRange in the namespace rejects the pod: "${oneLine(failure.message, 200)}".`,
        remediation:
          'Change the container requests/limits to fit the LimitRange min/max (or adjust the LimitRange).',
      };
    case 'service-account-missing':
      return {
        summary: `pods rejected: ServiceAccount ${failure.serviceAccount} does not exist`,
        rootCause: `The pod template names serviceAccountName "${failure.serviceAccount}", which does not exist, so admission rejects every pod.`,
        remediation: `Create the ServiceAccount (\`kubectl create serviceaccount ${failure.serviceAccount}\`) or fix serviceAccountName in the template.`,
      };
    case 'webhook':
      return {
        summary: `pods rejected by admission webhook ${failure.webhook}`,
        rootCause: `Admission webhook ${failure.webhook} rejected or could not be called: "${oneLine(failure.message, 200)}".`,
        remediation:
          'If the webhook backend is down, restore it (or set failurePolicy Ignore temporarily); if it denied the pod, change the pod to satisfy the policy.',
      };
    case 'pod-security':
      return {
        summary: 'pods rejected by Pod Security admission',
        rootCause: `The namespace's Pod Security level forbids the pod: "${oneLine(failure.message, 200)}".`,
        remediation:
          'Harden the pod securityContext (runAsNonRoot, drop capabilities, no privilege escalation) or change the namespace pod-security label.',
      };
    case 'other':
      return {
        summary: 'the controller cannot create pods',
        rootCause: `Pod creation fails: "${oneLine(failure.message, 240)}".`,
        remediation: 'Fix what the FailedCreate message names.',
      };
  }
};

const suspectsFor = (failure: CreateFailure, namespace: string, context: DiagnosisContext): Suspect[] => {
  switch (failure.type) {
    case 'quota-exceeded':
    case 'quota-requires-limits':
      return [{ ...ref('ResourceQuota', namespace, failure.quota), rules: ['quota-exhausted'] }];
    case 'service-account-missing':
      return [
        { ...ref('ServiceAccount', namespace, failure.serviceAccount), rules: ['missing-service-account'] },
      ];
    case 'limit-range':
      return (context.snapshot.limitranges ?? [])
        .filter((item) => item.metadata?.namespace === namespace)
        .map((item) => ({ ...refOf('LimitRange', item), rules: ['limitrange-violation'] }));
    case 'webhook':
      return [
        ...(context.snapshot.validatingwebhookconfigurations ?? []).map((item) => ({
          kind: 'ValidatingWebhookConfiguration',
          item,
        })),
        ...(context.snapshot.mutatingwebhookconfigurations ?? []).map((item) => ({
          kind: 'MutatingWebhookConfiguration',
          item,
        })),
      ]
        .filter(({ item }) => (item.webhooks ?? []).some((hook) => hook.name === failure.webhook))
        .map(({ kind, item }) => ({ ...refOf(kind, item), rules: ['webhook-backend-unavailable'] }));
    case 'pod-security':
    case 'other':
      return [];
  }
};

const failureKey = (failure: CreateFailure): string => {
  switch (failure.type) {
    case 'quota-exceeded':
    case 'quota-requires-limits':
      return `${failure.type}:${failure.quota}`;
    case 'service-account-missing':
      return `${failure.type}:${failure.serviceAccount}`;
    case 'webhook':
      return `${failure.type}:${failure.webhook}`;
    case 'limit-range':
    case 'pod-security':
    case 'other':
      return failure.type;
  }
};

export const workloadCreateFailedRule: Rule = {
  id: 'workload-create-failed',
  title:
    'Controller cannot create pods (FailedCreate): quota, LimitRange, missing ServiceAccount, webhook, Pod Security',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    const controllers: [string, KubeObject, boolean][] = [
      ...(context.snapshot.replicasets ?? []).map((item): [string, KubeObject, boolean] => [
        'ReplicaSet',
        item,
        (item.spec?.replicas ?? 1) > (item.status?.replicas ?? 0),
      ]),
      ...(context.snapshot.statefulsets ?? []).map((item): [string, KubeObject, boolean] => [
        'StatefulSet',
        item,
        (item.spec?.replicas ?? 1) > (item.status?.replicas ?? 0),
      ]),
      ...(context.snapshot.daemonsets ?? []).map((item): [string, KubeObject, boolean] => [
        'DaemonSet',
        item,
        (item.status?.desiredNumberScheduled ?? 0) > (item.status?.currentNumberScheduled ?? 0),
      ]),
      ...(context.snapshot.jobs ?? []).map((item): [string, KubeObject, boolean] => [
        'Job',
        item,
        item.status?.completionTime === undefined &&
          (item.status?.active ?? 0) < (item.spec?.parallelism ?? 1),
      ]),
    ];
    for (const [kind, object, short] of controllers) {
      const resource: ResourceRef = refOf(kind, object);
      const replicaFailure = condition(
        (
          object as {
            status?: {
              conditions?: readonly { type?: string; status?: string; reason?: string; message?: string }[];
            };
          }
        ).status?.conditions,
        'ReplicaFailure',
      );
      const events = context
        .warnings(resource, ['FailedCreate'])
        .filter((event) => (ageSeconds(event.lastSeen, context.now) ?? 0) <= recentSeconds);
      const message =
        replicaFailure?.status === 'True'
          ? (replicaFailure.message ?? '')
          : short
            ? (events[0]?.message ?? '')
            : '';
      if (message === '') continue;
      const failure = parseCreateFailure(message);
      const { summary, rootCause, remediation } = explain(failure);
      drafts.push({
        rule: 'workload-create-failed',
        severity: 'critical',
        resource,
        causeKey: failureKey(failure),
        summary,
        rootCause,
        evidence: [
          ...(replicaFailure?.status === 'True'
            ? [
                fieldEvidence(
                  resource,
                  'status.conditions[ReplicaFailure]',
                  `${replicaFailure.reason ?? ''}: ${replicaFailure.message ?? ''}`,
                ),
              ]
            : []),
          ...events.slice(0, 1).map((event) => eventEvidence(event)),
        ],
        remediation,
        suspects: suspectsFor(failure, resource.namespace, context),
      });
    }
    return drafts;
  },
};
