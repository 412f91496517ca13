import type { ContainerLogExcerpt } from '../logs/index.js';
import type { ResourceRef } from '../model/finding.js';
import type {
  ClusterSnapshot,
  ConfigMapSummary,
  SecretSummary,
  SnapshotKind,
} from '../snapshot/cluster-snapshot.js';
import type {
  CronJob,
  DaemonSet,
  Deployment,
  EndpointSlice,
  HorizontalPodAutoscaler,
  Ingress,
  IngressClass,
  Job,
  KubeObject,
  LimitRange,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodTemplate,
  ReplicaSet,
  ResourceQuota,
  Role,
  Service,
  ServiceAccount,
  StatefulSet,
  StorageClass,
  StringMap,
  WebhookConfiguration,
} from '../snapshot/kubernetes-types.js';

/** The kinds the context indexes by name, and their types. */
export interface KindMap {
  readonly Pod: Pod;
  readonly Node: Node;
  readonly Deployment: Deployment;
  readonly ReplicaSet: ReplicaSet;
  readonly StatefulSet: StatefulSet;
  readonly DaemonSet: DaemonSet;
  readonly Job: Job;
  readonly CronJob: CronJob;
  readonly Service: Service;
  readonly Ingress: Ingress;
  readonly IngressClass: IngressClass;
  readonly PersistentVolumeClaim: PersistentVolumeClaim;
  readonly PersistentVolume: PersistentVolume;
  readonly StorageClass: StorageClass;
  readonly ServiceAccount: ServiceAccount;
  readonly Role: Role;
  readonly ClusterRole: Role;
  readonly ResourceQuota: ResourceQuota;
  readonly LimitRange: LimitRange;
  readonly HorizontalPodAutoscaler: HorizontalPodAutoscaler;
  readonly ValidatingWebhookConfiguration: WebhookConfiguration;
  readonly MutatingWebhookConfiguration: WebhookConfiguration;
}
import { matchesMap } from '../util/label-selector.js';
import { ref, refKey } from '../util/resource-ref.js';
import { aggregateEvents, normalizeEvent } from './observed-event.js';
import type { ObservedEvent } from './observed-event.js';

/** A pod template together with the workload that owns it (bare pods are their own workload). */
export interface WorkloadTemplate {
  readonly workload: ResourceRef;
  readonly template: PodTemplate;
}

const keyOf = (namespace: string | undefined, name: string | undefined): string =>
  `${namespace ?? ''}/${name ?? ''}`;

const indexByName = <T extends KubeObject>(items: readonly T[] | undefined): ReadonlyMap<string, T> => {
  const index = new Map<string, T>();
  for (const item of items ?? []) index.set(keyOf(item.metadata?.namespace, item.metadata?.name), item);
  return index;
};

const groupByNamespace = <T extends KubeObject>(
  items: readonly T[] | undefined,
): ReadonlyMap<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items ?? []) {
    const namespace = item.metadata?.namespace ?? '';
    const group = groups.get(namespace);
    if (group === undefined) groups.set(namespace, [item]);
    else group.push(item);
  }
  return groups;
};

const controllerOf = (object: KubeObject): { kind: string; name: string } | undefined => {
  const owners = object.metadata?.ownerReferences ?? [];
  const owner = owners.find((candidate) => candidate.controller === true) ?? owners[0];
  if (owner?.kind === undefined || owner.name === undefined) return undefined;
  return { kind: owner.kind, name: owner.name };
};

/**
 * Read-only indexes over one snapshot, built once and shared by every rule so each rule stays a
 * small function and the engine stays linear in the snapshot size.
 */
export class DiagnosisContext {
  readonly snapshot: ClusterSnapshot;
  /** Milliseconds since the epoch; rules compare ages against it, never against the wall clock. */
  readonly now: number;
  private readonly byKind = new Map<string, ReadonlyMap<string, KubeObject>>();
  private readonly podsByNamespace: ReadonlyMap<string, Pod[]>;
  private readonly eventsByObject = new Map<string, ObservedEvent[]>();
  private readonly aggregatedEvents = new Map<string, ObservedEvent[]>();
  private readonly slicesByService = new Map<string, EndpointSlice[]>();
  private readonly configMapIndex: ReadonlyMap<string, ConfigMapSummary>;
  private readonly secretIndex: ReadonlyMap<string, SecretSummary>;
  private readonly ownerCache = new Map<string, ResourceRef>();
  private podsByOwner: Map<string, Pod[]> | undefined;
  private templates: WorkloadTemplate[] | undefined;
  private podsByLabel: Map<string, Pod[]> | undefined;
  private readonly objectsWithWarnings = new Set<string>();
  private readonly logsByContainer = new Map<string, ContainerLogExcerpt[]>();

  constructor(snapshot: ClusterSnapshot, now: number) {
    this.snapshot = snapshot;
    this.now = now;
    const kinds: readonly [keyof KindMap, readonly KubeObject[] | undefined][] = [
      ['Pod', snapshot.pods],
      ['Node', snapshot.nodes],
      ['Deployment', snapshot.deployments],
      ['ReplicaSet', snapshot.replicasets],
      ['StatefulSet', snapshot.statefulsets],
      ['DaemonSet', snapshot.daemonsets],
      ['Job', snapshot.jobs],
      ['CronJob', snapshot.cronjobs],
      ['Service', snapshot.services],
      ['Ingress', snapshot.ingresses],
      ['IngressClass', snapshot.ingressclasses],
      ['PersistentVolumeClaim', snapshot.pvcs],
      ['PersistentVolume', snapshot.pvs],
      ['StorageClass', snapshot.storageclasses],
      ['ServiceAccount', snapshot.serviceaccounts],
      ['Role', snapshot.roles],
      ['ClusterRole', snapshot.clusterroles],
      ['ResourceQuota', snapshot.resourcequotas],
      ['LimitRange', snapshot.limitranges],
      ['HorizontalPodAutoscaler', snapshot.hpas],
      ['ValidatingWebhookConfiguration', snapshot.validatingwebhookconfigurations],
      ['MutatingWebhookConfiguration', snapshot.mutatingwebhookconfigurations],
    ];
    for (const [kind, items] of kinds) this.byKind.set(kind, indexByName(items));
    this.podsByNamespace = groupByNamespace(snapshot.pods);
    this.configMapIndex = new Map(
      (snapshot.configmaps ?? []).map((item) => [keyOf(item.namespace, item.name), item]),
    );
    this.secretIndex = new Map(
      (snapshot.secrets ?? []).map((item) => [keyOf(item.namespace, item.name), item]),
    );

    const seen = new Set<string>();
    for (const raw of snapshot.events ?? []) {
      // The same event listed by both event APIs has the same namespace/name; count it once.
      const identity =
        raw.metadata?.name === undefined ? undefined : keyOf(raw.metadata.namespace, raw.metadata.name);
      if (identity !== undefined) {
        if (seen.has(identity)) continue;
        seen.add(identity);
      }
      const event = normalizeEvent(raw);
      if (event === undefined) continue;
      const key = refKey(event.object);
      if (event.type === 'Warning') this.objectsWithWarnings.add(key);
      const list = this.eventsByObject.get(key);
      if (list === undefined) this.eventsByObject.set(key, [event]);
      else list.push(event);
    }

    for (const excerpt of snapshot.containerLogs ?? []) {
      const key = `${excerpt.namespace}/${excerpt.pod}/${excerpt.container}`;
      const list = this.logsByContainer.get(key);
      if (list === undefined) this.logsByContainer.set(key, [excerpt]);
      else list.push(excerpt);
    }

    for (const slice of snapshot.endpointslices ?? []) {
      const service = slice.metadata?.labels?.['kubernetes.io/service-name'];
      if (service === undefined) continue;
      const key = keyOf(slice.metadata?.namespace, service);
      const list = this.slicesByService.get(key);
      if (list === undefined) this.slicesByService.set(key, [slice]);
      else list.push(slice);
    }
  }

  /** Whether the snapshot holds this kind at all; absent lists mean "not collected". */
  has(kind: SnapshotKind): boolean {
    return this.snapshot[kind] !== undefined;
  }

  /** Whether objects of `namespace` were collected (cluster-scoped objects have namespace ""). */
  sees(namespace: string): boolean {
    const scope = this.snapshot.namespaces;
    return namespace === '' || scope === 'all' || scope.includes(namespace);
  }

  /** Whether an object of a collected kind can be declared missing (collected and in scope). */
  canJudgeMissing(kind: SnapshotKind, namespace: string): boolean {
    return this.has(kind) && this.sees(namespace);
  }

  /** An object of a known kind by namespace and name ("" namespace for cluster-scoped kinds). */
  get<K extends keyof KindMap>(kind: K, namespace: string, name: string): KindMap[K] | undefined {
    return this.byKind.get(kind)?.get(keyOf(namespace, name));
  }

  /** An object of any kind named at runtime (owner references, scale targets, event subjects). */
  lookup(kind: string, namespace: string, name: string): KubeObject | undefined {
    return this.byKind.get(kind)?.get(keyOf(namespace, name));
  }

  configMap(namespace: string, name: string): ConfigMapSummary | undefined {
    return this.configMapIndex.get(keyOf(namespace, name));
  }

  secret(namespace: string, name: string): SecretSummary | undefined {
    return this.secretIndex.get(keyOf(namespace, name));
  }

  pods(namespace: string): readonly Pod[] {
    return this.podsByNamespace.get(namespace) ?? [];
  }

  /**
   * Pods a Service-style selector picks (empty selector picks none). Narrows through a
   * label index to the smallest candidate list first, so many Services stay linear.
   */
  podsSelectedBy(namespace: string, selector: StringMap | undefined): Pod[] {
    if (selector === undefined) return [];
    const entries = Object.entries(selector);
    if (entries.length === 0) return [];
    if (this.podsByLabel === undefined) {
      const index = new Map<string, Pod[]>();
      for (const pod of this.snapshot.pods ?? []) {
        for (const [key, value] of Object.entries(pod.metadata?.labels ?? {})) {
          const labelKey = `${pod.metadata?.namespace ?? ''}\u0000${key}=${value}`;
          const list = index.get(labelKey);
          if (list === undefined) index.set(labelKey, [pod]);
          else list.push(pod);
        }
      }
      this.podsByLabel = index;
    }
    let candidates: readonly Pod[] | undefined;
    for (const [key, value] of entries) {
      const list = this.podsByLabel.get(`${namespace}\u0000${key}=${value}`) ?? [];
      if (candidates === undefined || list.length < candidates.length) candidates = list;
    }
    return (candidates ?? []).filter((pod) => matchesMap(selector, pod.metadata?.labels));
  }

  /** The log excerpts read for one container (previous log first), if logs were read. */
  containerLogs(namespace: string, pod: string, container: string): readonly ContainerLogExcerpt[] {
    const list = this.logsByContainer.get(`${namespace}/${pod}/${container}`) ?? [];
    return [...list].sort((left, right) => Number(right.previous) - Number(left.previous));
  }

  endpointSlicesOf(service: Service): readonly EndpointSlice[] {
    return this.slicesByService.get(keyOf(service.metadata?.namespace, service.metadata?.name)) ?? [];
  }

  /** All events of one object, aggregated by type, reason and message; newest first. */
  events(resource: ResourceRef): readonly ObservedEvent[] {
    const key = refKey(resource);
    let aggregated = this.aggregatedEvents.get(key);
    if (aggregated === undefined) {
      aggregated = aggregateEvents(this.eventsByObject.get(key) ?? []);
      this.aggregatedEvents.set(key, aggregated);
    }
    return aggregated;
  }

  warnings(resource: ResourceRef, reasons?: readonly string[]): readonly ObservedEvent[] {
    if (!this.objectsWithWarnings.has(refKey(resource))) return [];
    return this.events(resource).filter(
      (event) => event.type === 'Warning' && (reasons === undefined || reasons.includes(event.reason)),
    );
  }

  /** Every object that has at least one event (for the catch-all Warning-event rule). */
  objectsWithEvents(): readonly ResourceRef[] {
    return [...this.eventsByObject.values()]
      .map((list) => list[0]?.object)
      .filter((item) => item !== undefined);
  }

  /**
   * The top-level controller of an object: Pod → ReplicaSet → Deployment, Pod → Job → CronJob,
   * Pod → StatefulSet/DaemonSet. Objects without a controller are their own top.
   */
  topOwner(kind: string, object: KubeObject): ResourceRef {
    const namespace = object.metadata?.namespace ?? '';
    const start = ref(kind, namespace, object.metadata?.name ?? '');
    const cacheKey = refKey(start);
    const cached = this.ownerCache.get(cacheKey);
    if (cached !== undefined) return cached;
    let current = start;
    let currentObject: KubeObject | undefined = object;
    for (let depth = 0; depth < 4 && currentObject !== undefined; depth += 1) {
      const owner = controllerOf(currentObject);
      if (owner === undefined) break;
      current = ref(owner.kind, namespace, owner.name);
      currentObject = this.lookup(owner.kind, namespace, owner.name);
    }
    this.ownerCache.set(cacheKey, current);
    return current;
  }

  /** The pods whose top owner is `workload`. */
  podsOf(workload: ResourceRef): readonly Pod[] {
    if (this.podsByOwner === undefined) {
      const index = new Map<string, Pod[]>();
      for (const pod of this.snapshot.pods ?? []) {
        const key = refKey(this.topOwner('Pod', pod));
        const list = index.get(key);
        if (list === undefined) index.set(key, [pod]);
        else list.push(pod);
      }
      this.podsByOwner = index;
    }
    return this.podsByOwner.get(refKey(workload)) ?? [];
  }

  /**
   * Every pod template that will create pods: Deployments, StatefulSets, DaemonSets, Jobs and
   * CronJobs, plus ReplicaSets and Jobs with no controller, plus bare pods. Checking templates
   * instead of pods reports a broken reference once per workload, before any pod exists.
   */
  workloadTemplates(): readonly WorkloadTemplate[] {
    if (this.templates !== undefined) return this.templates;
    const templates: WorkloadTemplate[] = [];
    this.templates = templates;
    const add = (kind: string, object: KubeObject, template: PodTemplate | undefined): void => {
      if (template !== undefined)
        templates.push({
          workload: ref(kind, object.metadata?.namespace ?? '', object.metadata?.name ?? ''),
          template,
        });
    };
    const snapshot = this.snapshot;
    for (const item of snapshot.deployments ?? []) add('Deployment', item, item.spec?.template);
    for (const item of snapshot.statefulsets ?? []) add('StatefulSet', item, item.spec?.template);
    for (const item of snapshot.daemonsets ?? []) add('DaemonSet', item, item.spec?.template);
    for (const item of snapshot.cronjobs ?? []) add('CronJob', item, item.spec?.jobTemplate?.spec?.template);
    for (const item of snapshot.replicasets ?? []) {
      if (controllerOf(item) === undefined) add('ReplicaSet', item, item.spec?.template);
    }
    for (const item of snapshot.jobs ?? []) {
      if (controllerOf(item) === undefined) add('Job', item, item.spec?.template);
    }
    for (const pod of snapshot.pods ?? []) {
      if (controllerOf(pod) === undefined)
        add('Pod', pod, {
          ...(pod.metadata === undefined ? {} : { metadata: pod.metadata }),
          ...(pod.spec === undefined ? {} : { spec: pod.spec }),
        });
    }
    return templates;
  }

  /** The Deployment that owns a ReplicaSet, if any. */
  deploymentOf(namespace: string, replicaSetName: string): Deployment | undefined {
    const replicaSet = this.get('ReplicaSet', namespace, replicaSetName);
    const owner = replicaSet === undefined ? undefined : controllerOf(replicaSet);
    return owner?.kind === 'Deployment' ? this.get('Deployment', namespace, owner.name) : undefined;
  }
}
