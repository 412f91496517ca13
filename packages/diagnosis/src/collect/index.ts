export { classifyFailure } from './classify-failure.js';
export type { ClassifiedFailure } from './classify-failure.js';
export { collectContainerLogs, containerLogArgs } from './collect-container-logs.js';
export type { CollectContainerLogsOptions, CollectedLogs, LogLimits } from './collect-container-logs.js';
export { collectSnapshot } from './collect-snapshot.js';
export { failingContainers } from './failing-containers.js';
export type { FailingContainer } from './failing-containers.js';
export type { CollectedSnapshot, CollectionLimits, CollectSnapshotOptions } from './collect-snapshot.js';
export { collectionProblems } from './collection-warning.js';
export type {
  Collection,
  CollectionCommand,
  CollectionProblem,
  CollectionWarning,
} from './collection-warning.js';
export type { KubectlOutcome, KubectlRun } from './kubectl-run.js';
export type { ListRead } from './list-read.js';
export { SnapshotCollectionError } from './snapshot-collection-error.js';
export {
  bundleArgs,
  listArgs,
  namespaceBundleArgs,
  namespaceListArgs,
  snapshotSources,
  sourceRead,
} from './snapshot-sources.js';
export type { ListScope, SnapshotSource } from './snapshot-sources.js';
