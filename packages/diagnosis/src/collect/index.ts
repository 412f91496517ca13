export { classifyFailure } from './classify-failure.js';
export type { ClassifiedFailure } from './classify-failure.js';
export { collectSnapshot } from './collect-snapshot.js';
export type { CollectedSnapshot, CollectionLimits, CollectSnapshotOptions } from './collect-snapshot.js';
export { collectionProblems } from './collection-warning.js';
export type {
  Collection,
  CollectionCommand,
  CollectionProblem,
  CollectionWarning,
} from './collection-warning.js';
export type { KubectlOutcome, KubectlRun } from './kubectl-run.js';
export { SnapshotCollectionError } from './snapshot-collection-error.js';
export {
  bundleArgs,
  listArgs,
  namespaceBundleArgs,
  namespaceListArgs,
  snapshotSources,
} from './snapshot-sources.js';
export type { ListScope, SnapshotSource } from './snapshot-sources.js';
