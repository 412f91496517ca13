import type { FindingDraft, Suspect } from '../model/finding.js';
import { eventEvidence, fieldEvidence } from '../util/evidence.js';
import { isTerminal } from '../util/pod-status.js';
import { refOf } from '../util/resource-ref.js';
import { oneLine } from '../util/text.js';
import type { Rule } from './rule.js';

const pullReasons = ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull'];

type PullProblem =
  'not-found' | 'auth' | 'network' | 'invalid-name' | 'rate-limited' | 'never-pull' | 'unknown';

/** Classifies the kubelet/runtime pull error text; the order matters (Docker Hub words "not found" as "access denied"). */
export const classifyPullError = (reason: string, message: string): PullProblem => {
  if (reason === 'InvalidImageName' || /invalid reference format|InvalidImageName/.test(message))
    return 'invalid-name';
  if (reason === 'ErrImageNeverPull') return 'never-pull';
  if (/toomanyrequests|rate limit/i.test(message)) return 'rate-limited';
  if (/pull access denied|repository does not exist or may require authorization/.test(message))
    return 'auth';
  if (/\b401\b|\b403\b|unauthorized|authorization failed|no basic auth credentials|denied: /i.test(message))
    return 'auth';
  if (/not found|manifest unknown|NotFound/.test(message)) return 'not-found';
  if (
    /no such host|i\/o timeout|connection refused|dial tcp|TLS handshake|network is unreachable|x509/.test(
      message,
    )
  )
    return 'network';
  return 'unknown';
};

const explain = (problem: PullProblem, image: string): { rootCause: string; remediation: string } => {
  switch (problem) {
    case 'not-found':
      return {
        rootCause: `The registry has no image "${image}": the tag (or digest) does not exist, or the repository name has a typo.`,
        remediation: `Check the tag exists in the registry and fix spec.containers[].image (e.g. a released version tag).`,
      };
    case 'auth':
      return {
        rootCause: `The registry refused to serve "${image}": the repository is private and no valid pull credentials were presented, or the repository name is wrong (Docker Hub reports both the same way).`,
        remediation:
          'Check the repository name; if it is private, create a docker-registry Secret and reference it in imagePullSecrets (pod spec or its ServiceAccount).',
      };
    case 'network':
      return {
        rootCause: `The node could not reach the registry for "${image}" (DNS, proxy, firewall or TLS failure).`,
        remediation:
          'Check the registry host name, node egress/proxy settings and registry certificates; use a mirror reachable from the nodes.',
      };
    case 'invalid-name':
      return {
        rootCause: `"${image}" is not a valid image reference.`,
        remediation:
          'Fix the image string (lowercase repository, "name:tag" or "name@sha256:digest", no spaces or "https://").',
      };
    case 'rate-limited':
      return {
        rootCause: `The registry rate-limited pulls of "${image}".`,
        remediation:
          'Authenticate pulls (imagePullSecrets), use a pull-through cache or mirror the image to your own registry.',
      };
    case 'never-pull':
      return {
        rootCause: `imagePullPolicy is Never and "${image}" is not present on the node.`,
        remediation: 'Preload the image on every node or set imagePullPolicy to IfNotPresent.',
      };
    case 'unknown':
      return {
        rootCause: `The node failed to pull "${image}".`,
        remediation:
          'Read the Failed event message on the pod; check the image name, tag and pull credentials.',
      };
  }
};

export const imagePullFailureRule: Rule = {
  id: 'image-pull-failure',
  title:
    'Image cannot be pulled: missing tag or repository, auth, network or invalid name (from the message)',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const pod of context.snapshot.pods ?? []) {
      if (isTerminal(pod)) continue;
      const podRef = refOf('Pod', pod);
      const statusList = [
        ...(pod.status?.initContainerStatuses ?? []).map((status) => ({
          status,
          field: 'initContainerStatuses',
        })),
        ...(pod.status?.containerStatuses ?? []).map((status) => ({ status, field: 'containerStatuses' })),
      ];
      for (const { status, field } of statusList) {
        const reason = status.state?.waiting?.reason ?? '';
        if (!pullReasons.includes(reason)) continue;
        const name = status.name ?? '';
        const image =
          status.image ??
          [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === name)
            ?.image ??
          '';
        const failed = context
          .warnings(podRef, ['Failed'])
          .filter((event) => event.message.includes(image) && !event.message.startsWith('Error: '));
        const detailed = failed[0]?.message ?? status.state?.waiting?.message ?? '';
        const problem = classifyPullError(reason, detailed);
        const { rootCause, remediation } = explain(problem, image);
        const suspects: Suspect[] = [];
        if (problem === 'auth') {
          for (const secret of pod.spec?.imagePullSecrets ?? []) {
            suspects.push({
              kind: 'Secret',
              namespace: podRef.namespace,
              name: secret.name ?? '',
              rules: ['missing-image-pull-secret'],
            });
          }
        }
        drafts.push({
          rule: 'image-pull-failure',
          severity: 'critical',
          resource: podRef,
          causeKey: `${name}:${image}:${problem}`,
          summary: `image ${image} for container ${name} cannot be pulled (${problem})`,
          rootCause: detailed === '' ? rootCause : `${rootCause} Runtime said: "${oneLine(detailed, 240)}".`,
          evidence: [
            fieldEvidence(
              podRef,
              `status.${field}[${name}].state.waiting`,
              `${reason}: ${status.state?.waiting?.message ?? ''}`,
            ),
            ...failed.slice(0, 1).map((event) => eventEvidence(event)),
          ],
          remediation,
          suspects,
        });
      }
    }
    return drafts;
  },
};
