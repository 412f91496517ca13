import type { DiagnosisContext } from '../engine/diagnosis-context.js';
import type { Evidence, ResourceRef, Suspect } from '../model/finding.js';
import { logSignatureTypes } from '../logs/index.js';
import type { ContainerLogExcerpt, LogSignature } from '../logs/index.js';
import { fieldEvidence } from '../util/evidence.js';
import { ref } from '../util/resource-ref.js';
import { listNames } from '../util/text.js';
import { logServiceTarget } from './log-service-target.js';
import type { LogServiceTarget } from './log-service-target.js';
import { serviceReadiness } from './service-readiness.js';

/** What a container's logs add to a finding about it. */
export interface ContainerLogFacts {
  /** Up to two decisive lines, each with the `kubectl logs` command that shows it. */
  readonly evidence: readonly Evidence[];
  /** A sentence for the root cause ("" when no log was read or nothing stood out). */
  readonly sentence: string;
  /** Services the log names: their findings are the deeper cause. */
  readonly suspects: readonly Suspect[];
}

const maxLines = 2;

interface Candidate {
  readonly excerpt: ContainerLogExcerpt;
  readonly signature: LogSignature;
  readonly order: number;
  readonly target: LogServiceTarget | undefined;
}

const typeRank = (signature: LogSignature): number => logSignatureTypes.indexOf(signature.type);

const describeTarget = (
  context: DiagnosisContext,
  target: LogServiceTarget,
  port: number | undefined,
): string => {
  const name = `Service ${target.service.name} (namespace ${target.service.namespace})`;
  if (!target.exists) return `${name}, which does not exist`;
  const service = context.get('Service', target.service.namespace, target.service.name);
  const readiness = service === undefined ? undefined : serviceReadiness(context, service);
  const ports = service?.spec?.ports ?? [];
  if (port !== undefined && ports.length > 0 && !ports.some((item) => item.port === port))
    return `${name}, which has no port ${String(port)}`;
  if (readiness !== undefined && readiness.ready === 0) return `${name}, which has no ready endpoints`;
  return name;
};

const logsOf = (
  context: DiagnosisContext,
  pod: ResourceRef,
  container: string,
): { source: ResourceRef; excerpts: readonly ContainerLogExcerpt[] } => {
  const own = context.containerLogs(pod.namespace, pod.name, container);
  const object = context.get('Pod', pod.namespace, pod.name);
  if (own.length > 0 || object === undefined) return { source: pod, excerpts: own };
  for (const sibling of context.podsOf(context.topOwner('Pod', object))) {
    const name = sibling.metadata?.name ?? '';
    const excerpts = context.containerLogs(pod.namespace, name, container);
    if (excerpts.length > 0) return { source: ref('Pod', pod.namespace, name), excerpts };
  }
  return { source: pod, excerpts: own };
};

/**
 * The decisive lines of a container's current and previous logs (read by the collector), and the
 * Services they name. A line that names a Service ranks first, then by kind of error (DNS,
 * refused, timeout, memory, missing variable or file, permission, start-up, panic), then the
 * later line (the fatal error usually comes last).
 */
export const containerLogFacts = (
  context: DiagnosisContext,
  pod: ResourceRef,
  container: string,
): ContainerLogFacts => {
  // The collector reads one pod per workload and container: replicas crash alike, so a sibling's
  // log stands for this pod's (the evidence names the pod it was read from).
  const { source, excerpts } = logsOf(context, pod, container);
  const candidates: Candidate[] = excerpts.flatMap((excerpt) =>
    excerpt.signatures.map((signature, order) => ({
      excerpt,
      signature,
      order,
      target:
        signature.host === undefined ? undefined : logServiceTarget(context, pod.namespace, signature.host),
    })),
  );
  candidates.sort(
    (left, right) =>
      Number(right.target !== undefined) - Number(left.target !== undefined) ||
      typeRank(left.signature) - typeRank(right.signature) ||
      right.order - left.order,
  );
  const chosen: Candidate[] = [];
  for (const candidate of candidates) {
    if (chosen.some((item) => item.signature.line === candidate.signature.line)) continue;
    chosen.push(candidate);
    if (chosen.length >= maxLines) break;
  }
  const pathOf = (excerpt: ContainerLogExcerpt): string =>
    `logs[${container}]${excerpt.previous ? '.previous' : ''}`;
  if (chosen.length === 0) {
    const tail = excerpts.find((excerpt) => excerpt.lastLine !== undefined);
    if (tail?.lastLine === undefined) return { evidence: [], sentence: '', suspects: [] };
    return {
      evidence: [fieldEvidence(source, pathOf(tail), tail.lastLine, tail.command)],
      sentence: ` Its log ends with "${tail.lastLine}".`,
      suspects: [],
    };
  }
  const targets = chosen.flatMap((item) => (item.target === undefined ? [] : [item]));
  const suspects: Suspect[] = targets.map(({ target }) => ({
    ...(target as LogServiceTarget).service,
    rules: ['service-no-endpoints', 'service-port-mismatch'],
  }));
  // A lookup that fails or times out is what an egress policy without DNS does to its pods.
  const podObject = context.get('Pod', pod.namespace, pod.name);
  if (
    podObject !== undefined &&
    chosen.some(
      ({ signature }) => signature.type === 'dns-failure' || signature.type === 'connection-timeout',
    )
  )
    suspects.push({ ...context.topOwner('Pod', podObject), rules: ['network-policy-blocks-dns'] });
  const lead = chosen[0] as Candidate;
  const reach =
    targets.length === 0
      ? ''
      : ` It tries to reach ${listNames(
          targets.map(({ target, signature }) =>
            describeTarget(context, target as LogServiceTarget, signature.port),
          ),
          2,
        )}.`;
  return {
    evidence: chosen.map(({ excerpt, signature }) =>
      fieldEvidence(source, pathOf(excerpt), signature.line, excerpt.command),
    ),
    sentence: ` Its log says "${lead.signature.line}" (${lead.signature.type.replaceAll('-', ' ')}).${reach}`,
    suspects,
  };
};
