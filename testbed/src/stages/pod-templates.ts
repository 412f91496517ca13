/**
 * Go template fragments (kwok renders them with sprig, `.` = the Pod) shared by the pod stages.
 * Output is YAML flow style (JSON-like) so indentation never matters.
 */
import {
  catalogImagePattern,
  catalogRepositoryPattern,
  exitPattern,
  memoryHogPattern,
  privateRegistryPattern,
  publicRegistryPattern,
} from './pod-predicates.js';

const raw = (pattern: string): string => '`' + pattern + '`';

export const prelude = '{{ $now := Now }}{{ $pod := . }}';

/** Names of the pod's containers ($names) for condition messages. */
export const containerNames =
  '{{ $names := list }}{{ range .spec.containers }}{{ $names = append $names .name }}{{ end }}';
export const initContainerNames =
  '{{ $initNames := list }}{{ range .spec.initContainers }}{{ $initNames = append $initNames .name }}{{ end }}';

/** Per container `$c`: what its command does ($exit, $code, $oom, $execNotFound, $message). */
export const commandVars = [
  '{{ $script := join " " (concat (default (list) $c.command) (default (list) $c.args)) }}',
  `{{ $oom := regexMatch ${raw(memoryHogPattern)} $script }}`,
  `{{ $exit := regexMatch ${raw(exitPattern)} $script }}`,
  `{{ $code := 0 }}{{ if $exit }}{{ $code = regexFind ${raw('exit\\s+[1-9][0-9]*')} $script | regexFind ${raw('[0-9]+')} | atoi }}{{ end }}`,
  '{{ $execNotFound := and $c.command (contains " " (toString (first $c.command))) }}',
  '{{ $message := "" }}',
  `{{ if eq (default "File" $c.terminationMessagePolicy) "FallbackToLogsOnError" }}{{ $echoes := regexFindAll ${raw(`echo\\s+("[^"]*"|'[^']*')`)} $script -1 }}{{ if $echoes }}{{ $message = regexReplaceAll ${raw('^echo\\s+')} (last $echoes) "" | trimAll "\\"'" }}{{ end }}{{ end }}`,
].join('\n');

/** Per container `$c`: whether its image pulls ($unpullable) and the kubelet's error ($pullError). */
export const imageVars = [
  '{{ $img := $c.image }}',
  '{{ $hasSecret := and $pod.spec.imagePullSecrets (gt (len $pod.spec.imagePullSecrets) 0) }}',
  `{{ $unpullable := not (or (regexMatch ${raw(catalogImagePattern)} $img) (regexMatch ${raw(publicRegistryPattern)} $img) (and (regexMatch ${raw(privateRegistryPattern)} $img) (not (hasPrefix "docker.io/" $img)) $hasSecret)) }}`,
  '{{ $first := index (splitList "/" $img) 0 }}',
  '{{ $isHost := and (contains "/" $img) (or (contains "." $first) (contains ":" $first) (eq $first "localhost")) }}',
  '{{ $ref := $img }}',
  '{{ if not (contains "/" $img) }}{{ $ref = printf "docker.io/library/%s" $img }}{{ else if not $isHost }}{{ $ref = printf "docker.io/%s" $img }}{{ end }}',
  `{{ if not (regexMatch ${raw('[:@][^/]*$')} $ref) }}{{ $ref = printf "%s:latest" $ref }}{{ end }}`,
  '{{ $pullError := "" }}',
  '{{ if and $isHost (not (hasPrefix "docker.io/" $img)) }}',
  `{{ $rest := trimPrefix (printf "%s/" $first) $ref }}{{ $repo := regexReplaceAll ${raw('[:@][^/]*$')} $rest "" }}{{ $tag := regexFind ${raw('[^:@]*$')} $rest }}`,
  '{{ $pullError = printf "rpc error: code = Unknown desc = failed to pull and unpack image %q: failed to resolve reference %q: unexpected status from HEAD request to https://%s/v2/%s/manifests/%s: 401 Unauthorized" $ref $ref $first $repo $tag }}',
  `{{ else if regexMatch ${raw(catalogRepositoryPattern)} $img }}`,
  '{{ $pullError = printf "rpc error: code = NotFound desc = failed to pull and unpack image %q: failed to resolve reference %q: %s: not found" $ref $ref $ref }}',
  '{{ else }}',
  '{{ $pullError = printf "rpc error: code = Unknown desc = failed to pull and unpack image %q: failed to resolve reference %q: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed" $ref $ref }}',
  '{{ end }}',
].join('\n');

/** A container id as containerd reports it, stable per pod, container and restart. */
export const containerId = (restart: string): string =>
  `{{ printf "containerd://%s" (sha256sum (printf "%s/%s/%v" $pod.metadata.uid $c.name ${restart})) | Quote }}`;

/** imageID as the kubelet reports it once the image is present. */
export const imageId =
  '{{ printf "%s@sha256:%s" (regexReplaceAll `:[^/:@]*$` $c.image "") (sha256sum $c.image) | Quote }}';

/** Ready and ContainersReady conditions from `$ready` and the names in `$unready`. */
export const readyConditions = [
  '{{ $readyStatus := "False" }}{{ if $ready }}{{ $readyStatus = "True" }}{{ end }}',
  '{{ $unreadyMessage := printf "containers with unready status: [%s]" (join " " $unready) }}',
  '{"type": "Ready", "status": {{ $readyStatus | Quote }}, "lastProbeTime": null, "lastTransitionTime": {{ $now | Quote }}{{ if not $ready }}, "reason": "ContainersNotReady", "message": {{ $unreadyMessage | Quote }}{{ else }}, "reason": null, "message": null{{ end }}},',
  '{"type": "ContainersReady", "status": {{ $readyStatus | Quote }}, "lastProbeTime": null, "lastTransitionTime": {{ $now | Quote }}{{ if not $ready }}, "reason": "ContainersNotReady", "message": {{ $unreadyMessage | Quote }}{{ else }}, "reason": null, "message": null{{ end }}}',
].join('\n');
