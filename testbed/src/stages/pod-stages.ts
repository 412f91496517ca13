import {
  alive,
  configErrorAnnotation,
  containerStatuses,
  hasConfigError,
  initContainerStatuses,
  neverRestarts,
  not,
  someInitStatus,
} from './pod-predicates.js';
import { runningStages } from './pod-running-stages.js';
import {
  backoff,
  bound,
  completedInit,
  creating,
  initCompleted,
  initCrashes,
  pending,
  podIps,
  pullsFail,
  terminatedState,
  waitingIn,
  waitingStatus,
} from './pod-status-fragments.js';
import {
  commandVars,
  containerId,
  containerNames,
  imageId,
  imageVars,
  initContainerNames,
  prelude,
  readyConditions,
} from './pod-templates.js';
import { stage } from './stage.js';
import type { Stage } from './stage.js';

function podCreate(): Stage {
  return stage({
    name: 'pod-create',
    kind: 'Pod',
    when: [alive, bound, '.status.startTime == null'],
    delayMs: 200,
    jitterMs: 800,
    statusTemplate: [
      prelude,
      containerNames,
      initContainerNames,
      '{{ $hasInit := gt (len $initNames) 0 }}',
      '{ "phase": "Pending", "startTime": {{ $now | Quote }},',
      podIps,
      '"conditions": [',
      '{"type": "PodReadyToStartContainers", "status": "True", "lastProbeTime": null, "lastTransitionTime": {{ $now | Quote }}},',
      '{{ if $hasInit }}{"type": "Initialized", "status": "False", "lastProbeTime": null, "lastTransitionTime": {{ $now | Quote }}, "reason": "ContainersNotInitialized", "message": {{ printf "containers with incomplete status: [%s]" (join " " $initNames) | Quote }}},',
      '{{ else }}{"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": {{ $now | Quote }}},{{ end }}',
      '{{ $ready := false }}{{ $unready := $names }}',
      readyConditions,
      '],',
      '{{ if $hasInit }}"initContainerStatuses": [{{ range $i, $c := .spec.initContainers }}{{ if $i }},{{ end }}',
      waitingStatus('"PodInitializing"'),
      '{{ end }}],{{ end }}',
      '"containerStatuses": [{{ range $i, $c := .spec.containers }}{{ if $i }},{{ end }}',
      waitingStatus('{{ if $hasInit }}"PodInitializing"{{ else }}"ContainerCreating"{{ end }}'),
      '{{ end }}] }',
    ].join('\n'),
  });
}

/** Statuses of `list` (containers or initContainers) where unpullable images get `reason`. */
const pullStatuses = (
  list: 'containers' | 'initContainers',
  reason: 'ErrImagePull' | 'ImagePullBackOff',
): string =>
  [
    `{{ range $i, $c := $pod.spec.${list} }}{{ if $i }},{{ end }}`,
    imageVars,
    '{{ if $unpullable }}',
    reason === 'ErrImagePull'
      ? waitingStatus('"ErrImagePull"', '{{ $pullError | Quote }}')
      : waitingStatus(
          '"ImagePullBackOff"',
          '{{ printf "Back-off pulling image %q: ErrImagePull: %s" $c.image $pullError | Quote }}',
        ),
    '{{ else }}',
    waitingStatus(
      list === 'initContainers'
        ? '"PodInitializing"'
        : '{{ if $pod.spec.initContainers }}"PodInitializing"{{ else }}"ContainerCreating"{{ end }}',
    ),
    '{{ end }}{{ end }}',
  ].join('\n');

function imagePull(
  name: string,
  when: string[],
  reason: 'ErrImagePull' | 'ImagePullBackOff',
  delayMs: number,
  jitterMs: number,
): Stage {
  return stage({
    name,
    kind: 'Pod',
    when,
    delayMs,
    jitterMs,
    events: [{ type: 'Warning', reason: 'Failed', message: `Error: ${reason}` }],
    statusTemplate: [
      prelude,
      '{',
      '{{ if $pod.spec.initContainers }}"initContainerStatuses": [',
      pullStatuses('initContainers', reason),
      '],{{ end }}',
      '"containerStatuses": [',
      pullStatuses('containers', reason),
      '] }',
    ].join('\n'),
  });
}

function configError(): Stage {
  return stage({
    name: 'pod-create-container-config-error',
    kind: 'Pod',
    when: [alive, creating, not(pullsFail), hasConfigError],
    delayMs: 500,
    jitterMs: 1500,
    statusTemplate: [
      prelude,
      `{{ $error := index (default (dict) $pod.metadata.annotations) "${configErrorAnnotation}" }}`,
      '{ "conditions": [{"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": {{ $now | Quote }}, "reason": null, "message": null}],',
      '{{ if $pod.spec.initContainers }}"initContainerStatuses": [',
      initCompleted,
      '],{{ end }}',
      '"containerStatuses": [{{ range $i, $c := $pod.spec.containers }}{{ if $i }},{{ end }}',
      waitingStatus('"CreateContainerConfigError"', '{{ $error | Quote }}'),
      '{{ end }}] }',
    ].join('\n'),
  });
}

function initFail(): Stage {
  return stage({
    name: 'pod-init-container-fail',
    kind: 'Pod',
    when: [alive, creating, not(pullsFail), not(hasConfigError), initCrashes],
    delayMs: 1000,
    jitterMs: 3000,
    statusTemplate: [
      prelude,
      '{{ $failed := false }}',
      '{ {{ if eq (default "Always" $pod.spec.restartPolicy) "Never" }}"phase": "Failed",{{ end }}',
      '"initContainerStatuses": [{{ range $i, $c := $pod.spec.initContainers }}{{ if $i }},{{ end }}',
      commandVars,
      '{{ if $failed }}',
      waitingStatus('"PodInitializing"'),
      '{{ else if or $exit $oom }}{{ $failed = true }}',
      `{"name": {{ $c.name | Quote }}, "image": {{ $c.image | Quote }}, "imageID": ${imageId}, "containerID": ${containerId('0')}, "ready": false, "started": false, "restartCount": 0, "state": ${terminatedState('{{ $now | Quote }}')}}`,
      '{{ else }}',
      completedInit,
      '{{ end }}{{ end }}] }',
    ].join('\n'),
  });
}

function initBackoff(): Stage {
  return stage({
    name: 'pod-init-container-backoff',
    kind: 'Pod',
    when: [
      alive,
      pending,
      not(neverRestarts),
      someInitStatus('.state.terminated != null and .state.terminated.reason != "Completed"'),
    ],
    delayMs: 1000,
    events: [{ type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container' }],
    statusTemplate: [
      prelude,
      '{ "initContainerStatuses": [{{ range $i, $s := $pod.status.initContainerStatuses }}{{ if $i }},{{ end }}',
      '{{ if and $s.state.terminated (ne $s.state.terminated.reason "Completed") }}',
      backoff,
      '{{ $s2 := omit $s "state" "lastState" "restartCount" }}',
      '{{ $s2 = set $s2 "restartCount" (add1 (int $s.restartCount)) }}',
      '{{ $s2 = set $s2 "lastState" (dict "terminated" $s.state.terminated) }}',
      '{{ $s2 = set $s2 "state" (dict "waiting" (dict "reason" "CrashLoopBackOff" "message" $backoffMessage)) }}',
      '{{ toJson $s2 }}',
      '{{ else }}{{ toJson $s }}{{ end }}{{ end }}] }',
    ].join('\n'),
  });
}

function initRestart(): Stage {
  return stage({
    name: 'pod-init-container-restart',
    kind: 'Pod',
    when: [alive, pending, waitingIn(initContainerStatuses, 'CrashLoopBackOff')],
    delayMs: 20_000,
    jitterMs: 60_000,
    statusTemplate: [
      prelude,
      '{ "initContainerStatuses": [{{ range $i, $s := $pod.status.initContainerStatuses }}{{ if $i }},{{ end }}',
      '{{ if and $s.state.waiting (eq $s.state.waiting.reason "CrashLoopBackOff") }}',
      '{{ $c := index $pod.spec.initContainers $i }}',
      commandVars,
      `{"name": {{ $s.name | Quote }}, "image": {{ $s.image | Quote }}, "imageID": ${imageId}, "containerID": ${containerId('$s.restartCount')}, "ready": false, "started": false, "restartCount": {{ $s.restartCount }}, "lastState": {{ toJson $s.lastState }}, "state": ${terminatedState('{{ $now | Quote }}')}}`,
      '{{ else }}{{ toJson $s }}{{ end }}{{ end }}] }',
    ].join('\n'),
  });
}

export function podStages(): Stage[] {
  return [
    podCreate(),
    imagePull('pod-image-pull-error', [alive, creating, pullsFail], 'ErrImagePull', 500, 2000),
    imagePull(
      'pod-image-pull-backoff',
      [
        alive,
        pending,
        `(${waitingIn(containerStatuses, 'ErrImagePull')} or ${waitingIn(initContainerStatuses, 'ErrImagePull')})`,
      ],
      'ImagePullBackOff',
      1500,
      3000,
    ),
    imagePull(
      'pod-image-pull-retry',
      [
        alive,
        pending,
        `(${waitingIn(containerStatuses, 'ImagePullBackOff')} or ${waitingIn(initContainerStatuses, 'ImagePullBackOff')})`,
      ],
      'ErrImagePull',
      20_000,
      60_000,
    ),
    configError(),
    initFail(),
    initBackoff(),
    initRestart(),
    ...runningStages(),
  ];
}
