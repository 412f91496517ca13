import type { FindingDraft } from '../model/finding.js';
import type { Container, Probe } from '../snapshot/kubernetes-types.js';
import { eventEvidence, fieldEvidence } from '../util/evidence.js';
import { isPodReady, isTerminal } from '../util/pod-status.js';
import { refOf } from '../util/resource-ref.js';
import { oneLine } from '../util/text.js';
import type { Rule } from './rule.js';

type ProbeKind = 'Readiness' | 'Liveness' | 'Startup';

const probeOf = (container: Container, kind: ProbeKind): Probe | undefined =>
  kind === 'Readiness'
    ? container.readinessProbe
    : kind === 'Liveness'
      ? container.livenessProbe
      : container.startupProbe;

const describeProbe = (probe: Probe | undefined): string => {
  if (probe?.httpGet !== undefined)
    return `GET ${probe.httpGet.path ?? '/'} on port ${String(probe.httpGet.port ?? '?')}`;
  if (probe?.tcpSocket !== undefined) return `TCP connect to port ${String(probe.tcpSocket.port ?? '?')}`;
  if (probe?.grpc !== undefined) return `gRPC health on port ${String(probe.grpc.port ?? '?')}`;
  if (probe?.exec !== undefined) return `exec ${(probe.exec.command ?? []).join(' ')}`;
  return 'the probe';
};

const classify = (message: string): { key: string; short: string; meaning: string; fix: string } => {
  const status = /statuscode: (\d+)/.exec(message);
  if (status !== null) {
    const code = status[1] ?? '';
    if (code === '404')
      return {
        key: 'http-404',
        short: 'HTTP 404, the path is not served',
        meaning: 'the probe path does not exist in the application (HTTP 404)',
        fix: 'point the probe path at the endpoint the application really serves (e.g. /healthz vs /health)',
      };
    return {
      key: `http-${code}`,
      short: `HTTP ${code}`,
      meaning: `the application answers the probe with HTTP ${code}`,
      fix: 'fix the health endpoint or the dependency it checks',
    };
  }
  if (/connection refused/.test(message))
    return {
      key: 'refused',
      short: 'connection refused on the probe port',
      meaning:
        'nothing listens on the probe port (wrong port, or the process listens on another address/port)',
      fix: 'make the probe port match the port the process listens on',
    };
  if (/context deadline exceeded|timeout|Client\.Timeout/.test(message))
    return {
      key: 'timeout',
      short: 'timed out',
      meaning: 'the endpoint answers slower than timeoutSeconds',
      fix: 'speed up the health endpoint or raise timeoutSeconds/failureThreshold',
    };
  if (/no such host|server gave HTTP response to HTTPS client|http: server gave/.test(message))
    return {
      key: 'scheme',
      short: 'wrong scheme or host',
      meaning: 'the probe scheme or host is wrong',
      fix: 'fix the probe scheme (HTTP vs HTTPS) and host',
    };
  return {
    key: 'failed',
    short: 'the probe reports failure',
    meaning: 'the probe command or endpoint reports failure',
    fix: 'run the probe by hand in the container and fix what it checks',
  };
};

export const containerProbeFailingRule: Rule = {
  id: 'container-probe-failing',
  title:
    'Readiness, liveness or startup probe failing (404 path, refused port, timeout), from Unhealthy events',
  run: (context) => {
    const drafts: FindingDraft[] = [];
    for (const pod of context.snapshot.pods ?? []) {
      if (isTerminal(pod)) continue;
      const podRef = refOf('Pod', pod);
      const unhealthy = context.warnings(podRef, ['Unhealthy']);
      if (unhealthy.length === 0) continue;
      const ready = isPodReady(pod);
      const seen = new Set<string>();
      for (const event of unhealthy) {
        const kindMatch = /^(Readiness|Liveness|Startup) probe (?:failed|errored)/.exec(event.message);
        if (kindMatch === null) continue;
        const kind = kindMatch[1] as ProbeKind;
        // A passing readiness probe now makes old readiness failures history.
        if (kind === 'Readiness' && ready) continue;
        const restarts = (pod.status?.containerStatuses ?? []).reduce(
          (sum, status) => sum + (status.restartCount ?? 0),
          0,
        );
        if (kind === 'Liveness' && restarts === 0 && ready) continue;
        const containers = pod.spec?.containers ?? [];
        const container =
          containers.find((candidate) => probeOf(candidate, kind) !== undefined) ??
          (containers.length === 1 ? containers[0] : undefined);
        const name = container?.name ?? '';
        const probe = container === undefined ? undefined : probeOf(container, kind);
        const { key, short, meaning, fix } = classify(event.message);
        const causeKey = `${kind}:${name}:${key}`;
        if (seen.has(causeKey)) continue;
        seen.add(causeKey);
        const probeField = `${kind.toLowerCase()}Probe`;
        drafts.push({
          rule: 'container-probe-failing',
          severity: kind === 'Readiness' ? 'critical' : 'warning',
          resource: podRef,
          causeKey,
          summary: `${kind.toLowerCase()} probe of container ${name} fails: ${short}`,
          rootCause:
            `The ${kind.toLowerCase()} probe (${describeProbe(probe)}) fails: ${meaning}. ` +
            (kind === 'Readiness'
              ? "The pod stays out of its Services' endpoints."
              : kind === 'Liveness'
                ? 'The kubelet restarts the container each time it fails.'
                : 'Startup never completes, so the container is restarted.') +
            ` Kubelet: "${oneLine(event.message, 200)}".`,
          evidence: [
            eventEvidence(event),
            fieldEvidence(podRef, `spec.containers[${name}].${probeField}`, describeProbe(probe)),
          ],
          remediation: `In the workload's pod template, ${fix} (spec.containers[${name}].${probeField}).`,
          suspects: [{ ...context.topOwner('Pod', pod), rules: ['probe-misconfigured'] }],
        });
      }
    }
    return drafts;
  },
};
