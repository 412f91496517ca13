export {
  bundleArgs,
  classifyFailure,
  collectContainerLogs,
  collectionProblems,
  collectSnapshot,
  containerLogArgs,
  failingContainers,
  listArgs,
  namespaceBundleArgs,
  namespaceListArgs,
  SnapshotCollectionError,
  snapshotSources,
  sourceRead,
} from './collect/index.js';
export type {
  ClassifiedFailure,
  CollectContainerLogsOptions,
  CollectedLogs,
  CollectedSnapshot,
  Collection,
  CollectionCommand,
  CollectionLimits,
  CollectionProblem,
  CollectionWarning,
  CollectSnapshotOptions,
  FailingContainer,
  KubectlOutcome,
  KubectlRun,
  ListRead,
  ListScope,
  LogLimits,
  SnapshotSource,
} from './collect/index.js';
export { diagnose } from './engine/diagnose.js';
export type { DiagnoseOptions } from './engine/diagnose.js';
export { DiagnosisContext } from './engine/diagnosis-context.js';
export type { KindMap, WorkloadTemplate } from './engine/diagnosis-context.js';
export type { ObservedEvent } from './engine/observed-event.js';
export { diagnosisIncludes, findingCategories, severities, severityRank } from './model/finding.js';
export type {
  DiagnosisInclude,
  Evidence,
  Finding,
  FindingCategory,
  FindingDraft,
  ResourceRef,
  Severity,
  Suspect,
} from './model/finding.js';
export { postureRules } from './posture/index.js';
export type { Report, ReportSummary } from './model/report.js';
export { renderJson } from './render/render-json.js';
export { renderMarkdown } from './render/render-markdown.js';
export { renderTable } from './render/render-table.js';
export type { TableOptions } from './render/render-table.js';
export { rules } from './rules/index.js';
export type { Rule } from './rules/index.js';
export {
  clusterSnapshotSchema,
  configMapSummarySchema,
  secretSummarySchema,
} from './snapshot/cluster-snapshot.js';
export type {
  ClusterSnapshot,
  ConfigMapSummary,
  SecretSummary,
  SnapshotKind,
} from './snapshot/cluster-snapshot.js';
export type {
  Condition,
  Container,
  ContainerStatus,
  CronJob,
  DaemonSet,
  Deployment,
  EndpointSlice,
  HorizontalPodAutoscaler,
  Ingress,
  IngressClass,
  Job,
  KubeEvent,
  KubeObject,
  LimitRange,
  NetworkPolicy,
  Node,
  ObjectMeta,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodDisruptionBudget,
  PodSpec,
  PodTemplate,
  ReplicaSet,
  ResourceQuota,
  Role,
  RoleBinding,
  Service,
  ServiceAccount,
  StatefulSet,
  StorageClass,
  WebhookConfiguration,
} from './snapshot/kubernetes-types.js';
export { summarizeConfigMap, summarizeSecret } from './snapshot/summarize.js';
export { fingerprint } from './util/fingerprint.js';
export { parseSchedulingMessage } from './util/parse-scheduling.js';
export type { SchedulingConstraint, SchedulingFailure } from './util/parse-scheduling.js';
export {
  containerLogExcerptSchema,
  extractLogSignatures,
  logSignatureSchema,
  logSignatureTypes,
  quoteLogLine,
} from './logs/index.js';
export type { ContainerLogExcerpt, LogSignature, LogSignatureType } from './logs/index.js';
