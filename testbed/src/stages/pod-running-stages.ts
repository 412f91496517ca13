import {
  alive,
  anyContainer,
  crashes,
  isJobPod,
  neverRestarts,
  probeFails,
  probePathWrong,
  probePortWrong,
  not,
  someStatus,
  containerStatuses,
} from './pod-predicates.js';
import {
  allRunning,
  backoff,
  creating,
  initCompleted,
  initCrashes,
  mainExecNotFound,
  pullsFail,
  running,
  runningStatus,
  terminatedState,
  waitingIn,
} from './pod-status-fragments.js';
import { hasConfigError } from './pod-predicates.js';
import { commandVars, containerId, imageId, prelude, readyConditions } from './pod-templates.js';
import { stage } from './stage.js';
import type { Stage } from './stage.js';

const readinessFails = probeFails('readinessProbe');

/** `$probeOk` for container `$c`: false while its probe cannot succeed (mirrors probeFails). */
const probeVar = (probe: 'readinessProbe' | 'livenessProbe'): string =>
  [
    `{{ $probe := $c.${probe} }}{{ $probeOk := true }}`,
    '{{ if $probe }}{{ $target := "" }}{{ if $probe.httpGet }}{{ $target = toString $probe.httpGet.port }}{{ else if $probe.tcpSocket }}{{ $target = toString $probe.tcpSocket.port }}{{ end }}',
    '{{ if $target }}{{ $served := false }}{{ range $c.ports }}{{ if or (eq (toString .containerPort) $target) (eq (toString .name) $target) }}{{ $served = true }}{{ end }}{{ end }}',
    '{{ if not $served }}{{ $probeOk = false }}{{ end }}',
    `{{ if and $served $probe.httpGet (not (has (default "/" $probe.httpGet.path) (list "/" "/healthz" "/readyz" "/livez" "/health" "/ready" "/status" "/ping" "/health/ready" "/health/live" "/actuator/health" "/actuator/health/readiness" "/actuator/health/liveness"))) }}{{ $probeOk = false }}{{ end }}`,
    '{{ end }}{{ end }}',
  ].join('');

/** Starts every container (init containers completed); readiness comes later from pod-ready. */
function podStart(): Stage {
  return stage({
    name: 'pod-start',
    kind: 'Pod',
    when: [alive, creating, not(pullsFail), not(hasConfigError), not(initCrashes)],
    delayMs: 500,
    jitterMs: 2500,
    statusTemplate: [
      prelude,
      '{{ $names := list }}{{ range .spec.containers }}{{ $names = append $names .name }}{{ end }}',
      '{ "phase": "Running",',
      '"conditions": [{"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": {{ $now | Quote }}, "reason": null, "message": null},',
      '{{ $ready := false }}{{ $unready := $names }}',
      readyConditions,
      '],',
      '{{ if $pod.spec.initContainers }}"initContainerStatuses": [',
      initCompleted,
      '],{{ end }}',
      '"containerStatuses": [{{ range $i, $c := $pod.spec.containers }}{{ if $i }},{{ end }}',
      commandVars,
      '{{ if $execNotFound }}',
      `{"name": {{ $c.name | Quote }}, "image": {{ $c.image | Quote }}, "imageID": ${imageId}, "containerID": ${containerId('0')}, "ready": false, "started": false, "restartCount": 0, "lastState": {}, "state": ${terminatedState('{{ $now | Quote }}')}}`,
      '{{ else }}',
      runningStatus('0', 'false', '{}'),
      '{{ end }}{{ end }}] }',
    ].join('\n'),
  });
}

/** Running containers whose command fails terminate (Error with its exit code, or OOMKilled). */
function containerCrash(name: string, when: string[], phase: 'Running' | 'Failed'): Stage {
  return stage({
    name,
    kind: 'Pod',
    when,
    delayMs: 1500,
    jitterMs: 4000,
    statusTemplate: [
      prelude,
      phase === 'Failed' ? '{ "phase": "Failed",' : '{',
      '{{ $ready := false }}{{ $unready := list }}',
      '"containerStatuses": [{{ range $i, $s := $pod.status.containerStatuses }}{{ if $i }},{{ end }}',
      '{{ $c := index $pod.spec.containers $i }}',
      commandVars,
      '{{ if and $s.state.running (or $exit $oom) }}{{ $unready = append $unready $c.name }}',
      `{"name": {{ $s.name | Quote }}, "image": {{ $s.image | Quote }}, "imageID": {{ $s.imageID | Quote }}, "containerID": {{ $s.containerID | Quote }}, "ready": false, "started": false, "restartCount": {{ $s.restartCount }}, "lastState": {{ toJson (default (dict) $s.lastState) }}, "state": ${terminatedState('{{ $s.state.running.startedAt | Quote }}')}}`,
      '{{ else }}{{ if not $s.ready }}{{ $unready = append $unready $c.name }}{{ end }}{{ toJson $s }}{{ end }}{{ end }}],',
      '"conditions": [',
      readyConditions,
      '] }',
    ].join('\n'),
  });
}

function containerBackoff(): Stage {
  return stage({
    name: 'pod-container-backoff',
    kind: 'Pod',
    when: [
      alive,
      running,
      not(neverRestarts),
      someStatus(
        '.state.terminated.reason == "Error" or .state.terminated.reason == "OOMKilled" or .state.terminated.reason == "StartError"',
      ),
    ],
    delayMs: 1000,
    events: [{ type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container' }],
    statusTemplate: [
      prelude,
      '{ "containerStatuses": [{{ range $i, $s := $pod.status.containerStatuses }}{{ if $i }},{{ end }}',
      '{{ if $s.state.terminated }}',
      backoff,
      `{"name": {{ $s.name | Quote }}, "image": {{ $s.image | Quote }}, "imageID": {{ $s.imageID | Quote }}, "containerID": {{ $s.containerID | Quote }}, "ready": false, "started": false, "restartCount": {{ add1 (int $s.restartCount) }}, "lastState": {{ toJson (dict "terminated" $s.state.terminated) }}, "state": {"waiting": {"reason": "CrashLoopBackOff", "message": {{ $backoffMessage | Quote }}}}}`,
      '{{ else }}{{ toJson $s }}{{ end }}{{ end }}] }',
    ].join('\n'),
  });
}

function containerRestart(): Stage {
  return stage({
    name: 'pod-container-restart',
    kind: 'Pod',
    when: [alive, running, waitingIn(containerStatuses, 'CrashLoopBackOff')],
    delayMs: 20_000,
    jitterMs: 60_000,
    statusTemplate: [
      prelude,
      '{ "containerStatuses": [{{ range $i, $s := $pod.status.containerStatuses }}{{ if $i }},{{ end }}',
      '{{ if and $s.state.waiting (eq $s.state.waiting.reason "CrashLoopBackOff") }}',
      '{{ $c := index $pod.spec.containers $i }}',
      commandVars,
      '{{ if $execNotFound }}',
      `{"name": {{ $s.name | Quote }}, "image": {{ $s.image | Quote }}, "imageID": {{ $s.imageID | Quote }}, "containerID": ${containerId('$s.restartCount')}, "ready": false, "started": false, "restartCount": {{ $s.restartCount }}, "lastState": {{ toJson $s.lastState }}, "state": ${terminatedState('{{ $now | Quote }}')}}`,
      '{{ else }}',
      runningStatus('$s.restartCount', 'false', '{{ toJson $s.lastState }}'),
      '{{ end }}{{ else }}{{ toJson $s }}{{ end }}{{ end }}] }',
    ].join('\n'),
  });
}

function podReady(): Stage {
  return stage({
    name: 'pod-ready',
    kind: 'Pod',
    when: [
      alive,
      running,
      allRunning,
      not(anyContainer(crashes)),
      not(mainExecNotFound),
      someStatus('.ready != true', not(readinessFails)),
    ],
    delayMs: 1000,
    jitterMs: 4000,
    statusTemplate: [
      prelude,
      '{{ $ready := true }}{{ $unready := list }}',
      '{ "containerStatuses": [{{ range $i, $s := $pod.status.containerStatuses }}{{ if $i }},{{ end }}',
      '{{ $c := index $pod.spec.containers $i }}',
      probeVar('readinessProbe'),
      '{{ if not $probeOk }}{{ $ready = false }}{{ $unready = append $unready $c.name }}{{ end }}',
      '{{ toJson (set (omit $s "ready") "ready" $probeOk) }}',
      '{{ end }}],',
      '"conditions": [',
      readyConditions,
      '] }',
    ].join('\n'),
  });
}

function probeFailing(
  name: string,
  probe: 'readinessProbe' | 'livenessProbe',
  wrong: string,
  message: string,
): Stage {
  const isLiveness = probe === 'livenessProbe';
  return stage({
    name,
    kind: 'Pod',
    when: [alive, running, someStatus('.state.running != null', wrong)],
    delayMs: isLiveness ? 25_000 : 8_000,
    jitterMs: isLiveness ? 45_000 : 20_000,
    events: isLiveness
      ? [
          { type: 'Warning', reason: 'Unhealthy', message },
          {
            type: 'Normal',
            reason: 'Killing',
            message: 'Container failed liveness probe, will be restarted',
          },
        ]
      : [{ type: 'Warning', reason: 'Unhealthy', message }],
    statusTemplate: isLiveness
      ? [
          prelude,
          '{ "containerStatuses": [{{ range $i, $s := $pod.status.containerStatuses }}{{ if $i }},{{ end }}',
          '{{ $c := index $pod.spec.containers $i }}',
          probeVar('livenessProbe'),
          '{{ if and $s.state.running (not $probeOk) }}',
          `{"name": {{ $s.name | Quote }}, "image": {{ $s.image | Quote }}, "imageID": {{ $s.imageID | Quote }}, "containerID": ${containerId('(add1 (int $s.restartCount))')}, "ready": {{ $s.ready }}, "started": true, "restartCount": {{ add1 (int $s.restartCount) }}, ` +
            '"lastState": {"terminated": {"exitCode": 137, "reason": "Error", "startedAt": {{ $s.state.running.startedAt | Quote }}, "finishedAt": {{ $now | Quote }}, "containerID": {{ $s.containerID | Quote }}}}, "state": {"running": {"startedAt": {{ $now | Quote }}}}}',
          '{{ else }}{{ toJson $s }}{{ end }}{{ end }}] }',
        ].join('\n')
      : // The kubelet re-probes without changing status; touching lastProbeTime keeps the loop going.
        [prelude, '{ "conditions": [{"type": "Ready", "lastProbeTime": {{ $now | Quote }}}] }'].join('\n'),
  });
}

function jobComplete(): Stage {
  return stage({
    name: 'pod-job-complete',
    kind: 'Pod',
    when: [alive, running, isJobPod, allRunning, not(anyContainer(crashes))],
    delayMs: 2000,
    jitterMs: 5000,
    statusTemplate: [
      prelude,
      '{ "phase": "Succeeded",',
      '"conditions": [{"type": "Ready", "status": "False", "reason": "PodCompleted", "message": null, "lastProbeTime": null, "lastTransitionTime": {{ $now | Quote }}},',
      '{"type": "ContainersReady", "status": "False", "reason": "PodCompleted", "message": null, "lastProbeTime": null, "lastTransitionTime": {{ $now | Quote }}}],',
      '"containerStatuses": [{{ range $i, $s := $pod.status.containerStatuses }}{{ if $i }},{{ end }}',
      `{"name": {{ $s.name | Quote }}, "image": {{ $s.image | Quote }}, "imageID": {{ $s.imageID | Quote }}, "containerID": {{ $s.containerID | Quote }}, "ready": false, "started": false, "restartCount": {{ $s.restartCount }}, "lastState": {}, "state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": {{ $s.state.running.startedAt | Quote }}, "finishedAt": {{ $now | Quote }}}}}`,
      '{{ end }}] }',
    ].join('\n'),
  });
}

export function runningStages(): Stage[] {
  return [
    podStart(),
    containerCrash(
      'pod-container-crash',
      [alive, running, not(neverRestarts), someStatus('.state.running != null', crashes)],
      'Running',
    ),
    containerCrash(
      'pod-container-fail',
      [alive, running, neverRestarts, allRunning, anyContainer(crashes)],
      'Failed',
    ),
    containerBackoff(),
    containerRestart(),
    podReady(),
    probeFailing(
      'pod-readiness-probe-404',
      'readinessProbe',
      probePathWrong('readinessProbe'),
      'Readiness probe failed: HTTP probe failed with statuscode: 404',
    ),
    probeFailing(
      'pod-readiness-probe-refused',
      'readinessProbe',
      probePortWrong('readinessProbe'),
      'Readiness probe failed: dial tcp: connect: connection refused',
    ),
    probeFailing(
      'pod-liveness-probe-404',
      'livenessProbe',
      probePathWrong('livenessProbe'),
      'Liveness probe failed: HTTP probe failed with statuscode: 404',
    ),
    probeFailing(
      'pod-liveness-probe-refused',
      'livenessProbe',
      probePortWrong('livenessProbe'),
      'Liveness probe failed: dial tcp: connect: connection refused',
    ),
    jobComplete(),
    stage({
      name: 'pod-delete',
      kind: 'Pod',
      when: ['.metadata.deletionTimestamp != null', '((.metadata.finalizers // []) | length == 0)'],
      delayMs: 300,
      jitterMs: 1000,
      delete: true,
    }),
  ];
}
