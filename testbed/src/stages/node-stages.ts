import { nodeNotReadyLabel } from './pod-predicates.js';
import { stage } from './stage.js';
import type { Stage } from './stage.js';

const conditions = (ready: 'True' | 'False'): string =>
  [
    '{{ $now := Now }}{{ $since := or .metadata.creationTimestamp $now }}',
    '"conditions": [',
    ready === 'True'
      ? '{"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status", "lastHeartbeatTime": {{ $now | Quote }}, "lastTransitionTime": {{ $since | Quote }}},'
      : '{"type": "Ready", "status": "False", "reason": "KubeletNotReady", "message": "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized", "lastHeartbeatTime": {{ $now | Quote }}, "lastTransitionTime": {{ $now | Quote }}},',
    '{"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory", "message": "kubelet has sufficient memory available", "lastHeartbeatTime": {{ $now | Quote }}, "lastTransitionTime": {{ $since | Quote }}},',
    '{"type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure", "message": "kubelet has no disk pressure", "lastHeartbeatTime": {{ $now | Quote }}, "lastTransitionTime": {{ $since | Quote }}},',
    '{"type": "PIDPressure", "status": "False", "reason": "KubeletHasSufficientPID", "message": "kubelet has sufficient PID available", "lastHeartbeatTime": {{ $now | Quote }}, "lastTransitionTime": {{ $since | Quote }}}',
    ']',
  ].join('\n');

const simulatesNotReady = `(.metadata.labels[${JSON.stringify(nodeNotReadyLabel)}] == "not-ready")`;
const isReady = 'any((.status.conditions // [])[]; .type == "Ready" and .status == "True")';
const joined = '.status.phase == "Running"';

/**
 * Node lifecycle of the fake kubelet: join (addresses, kubelet endpoint, Ready), heartbeat, and
 * the `not-ready` simulation (the runtime's network plugin fails a while after joining).
 */
export function nodeStages(): Stage[] {
  return [
    stage({
      name: 'node-initialize',
      kind: 'Node',
      when: [`((${joined}) | not)`],
      delayMs: 200,
      statusTemplate: [
        '{',
        conditions('True'),
        ',',
        '{{ with NodePort }}"daemonEndpoints": {"kubeletEndpoint": {"Port": {{ . }}}},{{ end }}',
        '"phase": "Running"',
        '}',
      ].join('\n'),
    }),
    stage({
      name: 'node-heartbeat',
      kind: 'Node',
      when: [joined, isReady, `(${simulatesNotReady} | not)`],
      delayMs: 30_000,
      jitterMs: 45_000,
      statusTemplate: ['{', conditions('True'), '}'].join('\n'),
    }),
    stage({
      name: 'node-not-ready',
      kind: 'Node',
      when: [joined, isReady, simulatesNotReady],
      delayMs: 20_000,
      jitterMs: 25_000,
      statusTemplate: ['{', conditions('False'), '}'].join('\n'),
    }),
  ];
}
