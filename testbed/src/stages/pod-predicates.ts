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

const raw = (pattern: string): string => `r'${pattern}'`;

export const alive = '!has(self.metadata.deletionTimestamp)';
export const initContainers = '(has(self.spec.initContainers) ? self.spec.initContainers : [])';
export const containerStatuses = '(has(self.status.containerStatuses) ? self.status.containerStatuses : [])';
export const initContainerStatuses =
  '(has(self.status.initContainerStatuses) ? self.status.initContainerStatuses : [])';
export const hasPullSecret = '(has(self.spec.imagePullSecrets) && size(self.spec.imagePullSecrets) > 0)';
export const isJobPod =
  "(has(self.metadata.ownerReferences) && self.metadata.ownerReferences.exists(o, o.kind == 'Job'))";
export const neverRestarts = "(has(self.spec.restartPolicy) && self.spec.restartPolicy == 'Never')";
export const hasConfigError = `(has(self.metadata.annotations) && '${configErrorAnnotation}' in self.metadata.annotations)`;

const script = (c: string): string =>
  `((has(${c}.command) ? ${c}.command : []) + (has(${c}.args) ? ${c}.args : []))`;

export const exitsNonZero = (c: string): string => `${script(c)}.exists(a, a.matches(${raw(exitPattern)}))`;
export const hogsMemory = (c: string): string =>
  `${script(c)}.exists(a, a.matches(${raw(memoryHogPattern)}))`;
export const crashes = (c: string): string => `(${exitsNonZero(c)} || ${hogsMemory(c)})`;
/** `command: ["npm start"]`: the whole command line in one argv element, so exec finds no such file. */
export const execNotFound = (c: string): string =>
  `(has(${c}.command) && size(${c}.command) > 0 && ${c}.command[0].contains(' '))`;

export const imageUnpullable = (c: string): string =>
  `!(${c}.image.matches(${raw(catalogImagePattern)}) || ${c}.image.matches(${raw(publicRegistryPattern)}) || ` +
  `(${c}.image.matches(${raw(privateRegistryPattern)}) && !${c}.image.startsWith('docker.io/') && ${hasPullSecret}))`;

const portServed = (c: string, port: string): string =>
  `(has(${c}.ports) && ${c}.ports.exists(p, string(p.containerPort) == string(${port}) || (has(p.name) && p.name == string(${port}))))`;

type ProbeKind = 'readinessProbe' | 'livenessProbe';

/** The probe targets a port the container does not listen on (connection refused). */
export const probePortWrong = (c: string, probe: ProbeKind): string =>
  `(has(${c}.${probe}) && ((has(${c}.${probe}.httpGet) && !${portServed(c, `${c}.${probe}.httpGet.port`)}) || ` +
  `(has(${c}.${probe}.tcpSocket) && !${portServed(c, `${c}.${probe}.tcpSocket.port`)})))`;

/** The HTTP probe asks for a path the application does not serve (404). */
export const probePathWrong = (c: string, probe: ProbeKind): string =>
  `(has(${c}.${probe}) && has(${c}.${probe}.httpGet) && ${portServed(c, `${c}.${probe}.httpGet.port`)} && ` +
  `!((has(${c}.${probe}.httpGet.path) ? ${c}.${probe}.httpGet.path : '/') in [${servedProbePaths.map((p) => `'${p}'`).join(', ')}]))`;

export const probeFails = (c: string, probe: ProbeKind): string =>
  `(${probePortWrong(c, probe)} || ${probePathWrong(c, probe)})`;

export const anyContainer = (predicate: (c: string) => string): string =>
  `self.spec.containers.exists(c, ${predicate('c')})`;
export const anyInitContainer = (predicate: (c: string) => string): string =>
  `${initContainers}.exists(c, ${predicate('c')})`;
export const anyContainerOrInit = (predicate: (c: string) => string): string =>
  `(${anyContainer(predicate)} || ${anyInitContainer(predicate)})`;

/** The spec container named like status `s`, tested with `predicate`. */
export const specOf = (s: string, predicate: (c: string) => string): string =>
  `self.spec.containers.exists(c, c.name == ${s}.name && ${predicate('c')})`;
