import { z } from 'zod';
import { containerLogExcerptSchema } from '../logs/log-signature.js';
import type {
  CronJob,
  DaemonSet,
  Deployment,
  EndpointSlice,
  HorizontalPodAutoscaler,
  Ingress,
  IngressClass,
  Job,
  KubeEvent,
  LimitRange,
  NetworkPolicy,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodDisruptionBudget,
  ReplicaSet,
  ResourceQuota,
  Role,
  RoleBinding,
  Service,
  ServiceAccount,
  StatefulSet,
  StorageClass,
  WebhookConfiguration,
} from './kubernetes-types.js';

const isObjectWithMetadata = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  typeof (value as { metadata?: unknown }).metadata === 'object' &&
  (value as { metadata?: unknown }).metadata !== null;

/** A list of Kubernetes objects as `kubectl get -o json` returns them in `.items`. */
const objects = <T>(kind: string) =>
  z
    .array(
      z.custom<T>(isObjectWithMetadata, {
        message: `every ${kind} must be a Kubernetes object with "metadata" (pass the items of \`kubectl get -o json\`)`,
      }),
    )
    .optional();

const stringMap = z.record(z.string(), z.string());

/**
 * A ConfigMap reduced to its name and keys. Values are deliberately not representable: the engine
 * only needs to know which keys exist ("missing key" diagnoses), and strict parsing rejects `data`.
 */
export const configMapSummarySchema = z.strictObject({
  namespace: z.string().min(1),
  name: z.string().min(1),
  keys: z.array(z.string()),
  labels: stringMap.optional(),
  creationTimestamp: z.string().optional(),
});
export type ConfigMapSummary = z.infer<typeof configMapSummarySchema>;

/**
 * A Secret reduced to its name, type and keys. No values, no annotations (the
 * last-applied-configuration annotation can carry the secret data).
 */
export const secretSummarySchema = z.strictObject({
  namespace: z.string().min(1),
  name: z.string().min(1),
  type: z.string().optional(),
  keys: z.array(z.string()),
});
export type SecretSummary = z.infer<typeof secretSummarySchema>;

/**
 * What the engine diagnoses. A list that is absent means "not collected" (rules that need it stay
 * silent); an empty list means "collected, none exist" (references to it are reported missing).
 */
export const clusterSnapshotSchema = z.object({
  collectedAt: z.iso.datetime({ offset: true }),
  /** `"all"` for a cluster-wide snapshot, or the namespaces that were collected. */
  namespaces: z.union([z.literal('all'), z.array(z.string().min(1))]),
  pods: objects<Pod>('pod'),
  events: objects<KubeEvent>('event'),
  nodes: objects<Node>('node'),
  deployments: objects<Deployment>('deployment'),
  replicasets: objects<ReplicaSet>('replicaset'),
  statefulsets: objects<StatefulSet>('statefulset'),
  daemonsets: objects<DaemonSet>('daemonset'),
  jobs: objects<Job>('job'),
  cronjobs: objects<CronJob>('cronjob'),
  services: objects<Service>('service'),
  endpointslices: objects<EndpointSlice>('endpointslice'),
  ingresses: objects<Ingress>('ingress'),
  ingressclasses: objects<IngressClass>('ingressclass'),
  pvcs: objects<PersistentVolumeClaim>('persistentvolumeclaim'),
  pvs: objects<PersistentVolume>('persistentvolume'),
  storageclasses: objects<StorageClass>('storageclass'),
  configmaps: z.array(configMapSummarySchema).optional(),
  secrets: z.array(secretSummarySchema).optional(),
  serviceaccounts: objects<ServiceAccount>('serviceaccount'),
  roles: objects<Role>('role'),
  rolebindings: objects<RoleBinding>('rolebinding'),
  clusterroles: objects<Role>('clusterrole'),
  clusterrolebindings: objects<RoleBinding>('clusterrolebinding'),
  networkpolicies: objects<NetworkPolicy>('networkpolicy'),
  hpas: objects<HorizontalPodAutoscaler>('horizontalpodautoscaler'),
  pdbs: objects<PodDisruptionBudget>('poddisruptionbudget'),
  resourcequotas: objects<ResourceQuota>('resourcequota'),
  limitranges: objects<LimitRange>('limitrange'),
  validatingwebhookconfigurations: objects<WebhookConfiguration>('validatingwebhookconfiguration'),
  mutatingwebhookconfigurations: objects<WebhookConfiguration>('mutatingwebhookconfiguration'),
  /**
   * Error signatures read from the logs of failing containers (bounded, redacted, one line each);
   * absent when logs were not read. Not a kind: no rule concludes anything from a missing excerpt.
   */
  containerLogs: z.array(containerLogExcerptSchema).max(200).optional(),
});

export type ClusterSnapshot = z.infer<typeof clusterSnapshotSchema>;
/** The list-valued keys of a snapshot (the kinds a collector fetches). */
export type SnapshotKind = Exclude<keyof ClusterSnapshot, 'collectedAt' | 'namespaces' | 'containerLogs'>;
