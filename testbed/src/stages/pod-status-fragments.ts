/** jq markers of where a pod is in its lifecycle, and status JSON fragments for templates. */
import {
  allStatuses,
  anyContainer,
  anyContainerOrInit,
  anyInitContainer,
  containerStatuses,
  crashes,
  execNotFound,
  imageUnpullable,
  initContainerStatuses,
} from './pod-predicates.js';
import { containerId, imageId } from './pod-templates.js';

export const bound = '.spec.nodeName != null';
export const running = '.status.phase == "Running"';
export const pending = '.status.phase == "Pending"';
export const creating = [
  '.status.startTime != null',
  pending,
  `(${containerStatuses} | length > 0)`,
  allStatuses('.state.waiting.reason == "ContainerCreating" or .state.waiting.reason == "PodInitializing"'),
  `all(${initContainerStatuses}[]; .state.waiting.reason == "PodInitializing")`,
].join(' and ');
export const pullsFail = anyContainerOrInit(imageUnpullable);
export const initCrashes = anyInitContainer(crashes);
export const mainExecNotFound = anyContainer(execNotFound);
export const allRunning = allStatuses('.state.running != null');
export const waitingIn = (statuses: string, reason: string): string =>
  `any(${statuses}[]; .state.waiting.reason == "${reason}")`;

export const podIps = [
  '{{ $hostIP := NodeIPWith .spec.nodeName }}',
  '{{ $podIP := PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}',
  '"hostIP": {{ $hostIP | Quote }}, "hostIPs": [{"ip": {{ $hostIP | Quote }}}],',
  '"podIP": {{ $podIP | Quote }}, "podIPs": [{"ip": {{ $podIP | Quote }}}],',
].join('\n');

export const waitingStatus = (reason: string, message?: string): string =>
  `{"name": {{ $c.name | Quote }}, "image": {{ $c.image | Quote }}, "imageID": "", "ready": false, "started": false, "restartCount": 0, "state": {"waiting": {"reason": ${reason}${message === undefined ? '' : `, "message": ${message}`}}}}`;

export const completedInit =
  `{"name": {{ $c.name | Quote }}, "image": {{ $c.image | Quote }}, "imageID": ${imageId}, "containerID": ${containerId('0')}, "ready": true, "started": false, "restartCount": 0, ` +
  '"state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": {{ $now | Quote }}, "finishedAt": {{ $now | Quote }}}}}';

export const runningStatus = (restart: string, ready: string, lastState: string): string =>
  `{"name": {{ $c.name | Quote }}, "image": {{ $c.image | Quote }}, "imageID": ${imageId}, "containerID": ${containerId(restart)}, "ready": ${ready}, "started": true, "restartCount": {{ ${restart} }}, ` +
  `"lastState": ${lastState}, "state": {"running": {"startedAt": {{ $now | Quote }}}}}`;

/** Terminated state from $oom/$exit/$code/$message (commandVars) or StartError ($execNotFound). */
export const terminatedState = (startedAt: string): string =>
  [
    '{{ if $execNotFound }}',
    `{"terminated": {"exitCode": 128, "reason": "StartError", "message": {{ printf "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: %q: executable file not found in $PATH: unknown" (toString (first $c.command)) | Quote }}, "startedAt": "1970-01-01T00:00:00Z", "finishedAt": {{ $now | Quote }}}}`,
    '{{ else if $oom }}',
    `{"terminated": {"exitCode": 137, "reason": "OOMKilled", "startedAt": ${startedAt}, "finishedAt": {{ $now | Quote }}}}`,
    '{{ else }}',
    `{"terminated": {"exitCode": {{ $code }}, "reason": "Error"{{ if $message }}, "message": {{ $message | Quote }}{{ end }}, "startedAt": ${startedAt}, "finishedAt": {{ $now | Quote }}}}`,
    '{{ end }}',
  ].join('');

export const backoff =
  '{{ $backoffs := list "10s" "20s" "40s" "1m20s" "2m40s" "5m0s" }}{{ $delay := index $backoffs (min (int $s.restartCount) 5) }}' +
  '{{ $backoffMessage := printf "back-off %s restarting failed container=%s pod=%s_%s(%s)" $delay $s.name $pod.metadata.name $pod.metadata.namespace $pod.metadata.uid }}';

export const initCompleted = `{{ range $i, $c := $pod.spec.initContainers }}{{ if $i }},{{ end }}${completedInit}{{ end }}`;
