import type { Finding, Report } from '@kubently/diagnosis';

/**
 * Which findings of the diagnosis engine correctly name each testbed scenario's root cause.
 *
 * `testbed/scenarios/<name>/expected.json` says what is wrong in the cluster (the culprit object and
 * the symptoms) without knowing Kubently; rule ids are Kubently internals, so the mapping from a
 * scenario to the rules that may explain it lives here, next to the test that checks it. The top
 * root cause for the scenario's namespace must come from one of `rules`, sit on the culprit of
 * expected.json, and its summary or root-cause text must match `mentions` (the fact that proves
 * the engine understood the failure, not just which object is broken).
 *
 * More than one rule is allowed only where both are a correct, specific answer for what the testbed
 * shows at different moments (a kubelet that alternates between two states) or from two angles of
 * the same mistake (the probe's port is not declared, and the probe fails).
 */
export interface DiagnosisExpectation {
  readonly rules: readonly string[];
  readonly mentions: RegExp;
  /** Why these rules are the right answer, for the reader of a failure. */
  readonly why: string;
}

export const diagnosisExpectations: Readonly<Record<string, DiagnosisExpectation>> = {
  'anti-affinity-impossible': {
    rules: ['pod-unschedulable'],
    mentions: /anti-affinity/,
    why: 'four replicas with required anti-affinity on hostname, two eligible nodes: the scheduler says so',
  },
  'crashloop-bad-command': {
    rules: ['container-crash-loop', 'container-config-error'],
    mentions: /executable file not found|npm start/,
    why: 'the fake kubelet alternates StartError (exit 128, crash loop) and RunContainerError; both carry the exec error',
  },
  'crashloop-db-unreachable': {
    rules: ['service-no-endpoints'],
    mentions: /selector app=database matches no pods/,
    why: 'the api log says db:5432 refuses connections; Service db selects no pod, so it is the deeper root cause of the crash loop',
  },
  'crashloop-missing-env': {
    rules: ['container-crash-loop'],
    mentions: /DATABASE_URL/,
    why: 'exit 1 with the FallbackToLogsOnError termination message naming the missing variable',
  },
  'cronjob-suspended': {
    rules: ['cronjob-not-scheduling'],
    mentions: /suspend/i,
    why: 'spec.suspend is true, so no Job ever runs',
  },
  'hpa-without-metrics': {
    rules: ['hpa-unable-to-scale'],
    mentions: /metric|request/i,
    why: 'no metrics API (FailedGetResourceMetric) and no CPU requests on the target',
  },
  'image-pull-missing-tag': {
    rules: ['image-pull-failure'],
    mentions: /redis:7\.4\.99/,
    why: 'the tag does not exist in the registry',
  },
  'image-pull-private-registry': {
    rules: ['image-pull-failure'],
    mentions: /401|unauthori[sz]ed|imagePullSecret|credential/i,
    why: 'private registry without imagePullSecrets: the pull is unauthorized',
  },
  'image-pull-typo': {
    rules: ['image-pull-failure'],
    mentions: /ngnix/,
    why: 'the repository name is misspelled, so the pull is denied',
  },
  'ingress-missing-service': {
    rules: ['ingress-backend'],
    mentions: /storefront-svc/,
    why: 'the backend names a Service that does not exist',
  },
  'ingress-scaled-to-zero': {
    rules: ['workload-scaled-to-zero'],
    mentions: /scaled to 0 replicas while Service storefront \(routed by Ingress storefront\)/,
    why: 'replicas: 0 leaves the Service the Ingress routes to without a pod: the scale-down owns both symptoms',
  },
  'init-container-failure': {
    rules: ['init-container-failure'],
    mentions: /wait-for-db/,
    why: 'the init container exits 1, so the pod stays in Init',
  },
  'job-backoff-limit-exceeded': {
    rules: ['container-terminated-error', 'job-failed'],
    // The fake kubelet cuts the termination message at the escaped quote ('ERROR: relation \\'),
    // so the exit code is the fact every run shows.
    mentions: /code 1|relation "users" already exists|BackoffLimitExceeded/,
    why: 'every attempt exits 1 with the migration error; the Job controller gives up after the backoff limit',
  },
  'liveness-kills-healthy-app': {
    rules: ['probe-misconfigured', 'container-probe-failing'],
    mentions: /9090/,
    why: 'the liveness probe targets port 9090, which the container does not expose, and the kubelet kills it',
  },
  'missing-configmap': {
    rules: ['missing-config-reference'],
    mentions: /frontend-config/,
    why: 'envFrom names a ConfigMap that does not exist (found from the template, not from any annotation)',
  },
  'missing-secret-key': {
    rules: ['missing-config-reference'],
    mentions: /password/,
    why: 'secretKeyRef reads key password; the Secret has username and pass only',
  },
  'missing-serviceaccount': {
    rules: ['missing-service-account'],
    mentions: /reporter-sa/,
    why: 'the template names a ServiceAccount that does not exist, so admission rejects every pod',
  },
  'networkpolicy-default-deny': {
    rules: ['network-policy-blocks-ingress', 'network-policy-blocks-dns'],
    mentions: /default-deny-all|deny|DNS|isolat/i,
    why: 'the policy selects every pod for Ingress and Egress and allows nothing (frontend→backend, DNS)',
  },
  'node-not-ready': {
    rules: ['node-not-ready'],
    mentions: /NotReady|Ready=False|not ready/i,
    why: 'the node reports Ready=False (CNI not initialized); its pods are stranded or evicted',
  },
  'node-selector-no-match': {
    rules: ['pod-unschedulable'],
    mentions: /disktype|node affinity|nodeSelector/,
    why: 'nodeSelector disktype=nvme matches no node',
  },
  oomkilled: {
    rules: ['container-oom-killed'],
    mentions: /OOM/,
    why: 'the container exceeds its 64Mi limit and is OOMKilled (exit 137); the crash loop is its symptom',
  },
  'pending-insufficient-cpu': {
    rules: ['pod-unschedulable'],
    mentions: /cpu/,
    why: 'requests 16 CPUs, more than any node offers',
  },
  'pending-insufficient-memory': {
    rules: ['pod-unschedulable'],
    mentions: /memory/,
    why: 'requests 128Gi of memory, more than any node offers',
  },
  'pvc-missing-storageclass': {
    rules: ['pvc-pending'],
    mentions: /fast-ssd/,
    why: 'the claim names a StorageClass that does not exist; the pod waits for the unbound claim',
  },
  'quota-exceeded': {
    rules: ['quota-exhausted'],
    mentions: /pods/,
    why: 'the quota allows 2 pods and the Deployment wants 4 (FailedCreate: exceeded quota)',
  },
  'readiness-wrong-path': {
    rules: ['container-probe-failing'],
    mentions: /404/,
    why: 'the readiness probe asks for /healthzz, which the app answers with 404',
  },
  'readiness-wrong-port': {
    rules: ['probe-misconfigured', 'container-probe-failing'],
    mentions: /8081/,
    why: 'the readiness probe targets port 8081; the container listens on 8080',
  },
  'rollout-stuck': {
    rules: ['container-crash-loop'],
    mentions: /amount_cents|exit code 2|exited with 2/,
    why: 'the new pods crash (exit 2, migration panic); the stuck rollout (ProgressDeadlineExceeded) is its symptom',
  },
  'service-selector-mismatch': {
    rules: ['service-no-endpoints'],
    mentions: /website/,
    why: 'the Service selects app=website; the pods are labelled app=web',
  },
  'service-targetport-mismatch': {
    rules: ['service-port-mismatch'],
    mentions: /9090/,
    why: 'targetPort 9090 is not a port the pods expose (8080)',
  },
  'statefulset-missing-service': {
    rules: ['statefulset-unavailable'],
    mentions: /governing Service db-headless does not exist/,
    why: 'spec.serviceName names a Service that does not exist; the crash-looping replica is its symptom',
  },
  'taint-without-toleration': {
    rules: ['pod-unschedulable'],
    mentions: /nvidia\.com\/gpu/,
    why: 'the nodeSelector picks the GPU node, whose taint the pod does not tolerate',
  },
};

/** The finding is on an object in `namespace`, or covers one there. */
export const touches = (finding: Finding, namespace: string): boolean =>
  finding.resource.namespace === namespace || finding.affected.some((item) => item.namespace === namespace);

/**
 * The root causes of what is wrong in `namespace`, in report order: roots in the namespace, and
 * roots elsewhere (a node, a webhook) that explain a finding in it.
 */
export function rootsFor(report: Report, namespace: string): Finding[] {
  const byId = new Map([...report.findings, ...report.symptoms].map((finding) => [finding.id, finding]));
  const rootIds = new Set<string>();
  const stack = [...byId.values()].filter((finding) => touches(finding, namespace)).map((f) => f.id);
  const seen = new Set<string>();
  while (stack.length > 0) {
    const id = stack.pop() ?? '';
    if (seen.has(id)) continue;
    seen.add(id);
    const finding = byId.get(id);
    if (finding === undefined) continue;
    if (finding.causedBy.length === 0) rootIds.add(id);
    stack.push(...finding.causedBy);
  }
  return report.findings.filter((finding) => rootIds.has(finding.id));
}
