/**
 * CEL predicates (kwok evaluates them with `self` = the Pod) deciding how a fake kubelet reports a
 * pod. A fault is read from what the spec says; only where a spec cannot say it (a referenced
 * ConfigMap or Secret missing in the cluster) an annotation stands in for the kubelet's view.
 *
 * Each regular expression here has a Go (RE2) twin in the templates: keep both in this file.
 */

/** Images the testbed's pretend Docker Hub serves (repository plus the tags that exist). */
export const catalogImagePattern =
  '^(docker\\.io/)?(library/)?(' +
  [
    'nginx(:(1\\.2[5-9](\\.[0-9])?|stable|mainline|latest|alpine)(-alpine)?)?',
    'busybox(:(1\\.3[4-7](\\.[0-9])?|latest|stable))?',
    'alpine(:(3\\.(1[89]|2[0-2])(\\.[0-9])?|latest))?',
    'redis(:(7(\\.[0-4](\\.[0-9])?)?|8(\\.[0-2](\\.[0-9])?)?|latest|alpine)(-alpine)?)?',
    'postgres(:(1[4-8](\\.[0-9])?|latest|alpine)(-alpine)?)?',
    'python(:(3\\.1[0-4](\\.[0-9])?|latest)(-slim|-alpine)?)?',
    'node(:(2[0-4](\\.[0-9])?|lts|latest)(-alpine|-slim)?)?',
    'httpd(:(2\\.4(\\.[0-9]+)?|latest)(-alpine)?)?',
    'memcached(:(1\\.6(\\.[0-9]+)?|latest)(-alpine)?)?',
    'curlimages/curl(:(8\\.[0-9]+\\.[0-9]+|latest))?',
    'hashicorp/http-echo(:(1\\.0(\\.0)?|latest))?',
  ].join('|') +
  ')$';

/** Repositories of the catalog regardless of tag (a known repository with an unknown tag is "not found"). */
export const catalogRepositoryPattern =
  '^(docker\\.io/)?(library/)?(nginx|busybox|alpine|redis|postgres|python|node|httpd|memcached|curlimages/curl|hashicorp/http-echo)([:@]|$)';

/** Public registries other than Docker Hub: any tagged image there pulls. */
export const publicRegistryPattern =
  '^(registry\\.k8s\\.io|ghcr\\.io|quay\\.io|gcr\\.io|public\\.ecr\\.aws|mcr\\.microsoft\\.com)/[a-z0-9._/-]+(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$';

/** A registry host (a first path segment with a dot or a port) that is not Docker Hub. */
export const privateRegistryPattern = '^([a-z0-9-]+(\\.[a-z0-9-]+)+|localhost)(:[0-9]+)?/';

/** A shell script that ends the process with a non-zero status (`... ; exit 3`). */
export const exitPattern = '(^|[;&|(]|\\s)exit\\s+[1-9][0-9]*';

/** A process that allocates memory without bound (`tail /dev/zero`, `stress --vm-bytes ...`). */
export const memoryHogPattern = 'tail\\s+/dev/zero|--vm-bytes';

/** Paths the pretend applications serve; probing anything else returns 404. */
export const servedProbePaths = [
  '/',
  '/healthz',
  '/readyz',
  '/livez',
  '/health',
  '/ready',
  '/status',
  '/ping',
  '/health/ready',
  '/health/live',
  '/actuator/health',
  '/actuator/health/readiness',
  '/actuator/health/liveness',
] as const;

/** Annotation carrying the kubelet's CreateContainerConfigError message (e.g. `configmap "x" not found`). */
export const configErrorAnnotation = 'testbed.kubently.dev/config-error';

/** Node label making the fake kubelet report the node NotReady shortly after it joined. */
export const nodeNotReadyLabel = 'testbed.kubently.dev/simulate';

/** A jq string literal (JSON escaping) for a regular expression or a value. */
const str = (value: string): string => JSON.stringify(value);

/*
 * jq expressions (kwok evaluates them on the pod or node as JSON; `$pod` is bound to the pod).
 * Container predicates run with `.` = one container of the spec.
 */
export const alive = '.metadata.deletionTimestamp == null';
export const initContainers = '(.spec.initContainers // [])';
export const containerStatuses = '($pod.status.containerStatuses // [])';
export const initContainerStatuses = '($pod.status.initContainerStatuses // [])';
export const hasPullSecret = '(($pod.spec.imagePullSecrets // []) | length > 0)';
export const isJobPod = 'any((.metadata.ownerReferences // [])[]; .kind == "Job")';
export const neverRestarts = '(.spec.restartPolicy == "Never")';
export const hasConfigError = `((.metadata.annotations // {}) | has(${str(configErrorAnnotation)}))`;

const script = '(((.command // []) + (.args // []))[])';
const matches = (pattern: string): string => `test(${str(pattern)})`;

export const exitsNonZero = `any(${script}; ${matches(exitPattern)})`;
export const hogsMemory = `any(${script}; ${matches(memoryHogPattern)})`;
export const crashes = `(${exitsNonZero} or ${hogsMemory})`;
/** `command: ["npm start"]`: the whole command line in one argv element, so exec finds no such file. */
export const execNotFound = '(((.command // [])[0] // "") | contains(" "))';

export const imageUnpullable =
  `(((.image | ${matches(catalogImagePattern)}) or (.image | ${matches(publicRegistryPattern)}) or ` +
  `((.image | ${matches(privateRegistryPattern)}) and ((.image | startswith("docker.io/")) | not) and ${hasPullSecret})) | not)`;

type ProbeKind = 'readinessProbe' | 'livenessProbe';

const portServed = (port: string): string =>
  `(${port} | tostring) as $port | any((.ports // [])[]; (.containerPort | tostring) == $port or (.name // "") == $port)`;

/** The probe targets a port the container does not listen on (connection refused). */
export const probePortWrong = (probe: ProbeKind): string =>
  `((.${probe}.httpGet.port // .${probe}.tcpSocket.port) as $target | if $target == null then false else ((${portServed('$target')}) | not) end)`;

/** The HTTP probe asks for a path the application does not serve (404). */
export const probePathWrong = (probe: ProbeKind): string =>
  `(.${probe}.httpGet as $get | if $get == null then false else ((${portServed('$get.port')}) and ((($get.path // "/") | IN(${servedProbePaths.map(str).join(', ')})) | not)) end)`;

export const probeFails = (probe: ProbeKind): string =>
  `(${probePortWrong(probe)} or ${probePathWrong(probe)})`;

export const not = (predicate: string): string => `(${predicate} | not)`;
export const anyContainer = (predicate: string): string => `any($pod.spec.containers[]; ${predicate})`;
export const anyInitContainer = (predicate: string): string =>
  `any(($pod.spec.initContainers // [])[]; ${predicate})`;
export const anyContainerOrInit = (predicate: string): string =>
  `(${anyContainer(predicate)} or ${anyInitContainer(predicate)})`;

/**
 * Some container status satisfies `statusPredicate` (`.` = the status) while the spec container of
 * the same name satisfies `specPredicate` (`.` = the container).
 */
export const someStatus = (statusPredicate: string, specPredicate = 'true'): string =>
  `any(${containerStatuses}[]; (${statusPredicate}) and (.name as $name | any($pod.spec.containers[]; .name == $name and ${specPredicate})))`;
export const someInitStatus = (statusPredicate: string): string =>
  `any(${initContainerStatuses}[]; ${statusPredicate})`;
export const allStatuses = (statusPredicate: string): string =>
  `all(${containerStatuses}[]; ${statusPredicate})`;
