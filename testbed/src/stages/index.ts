export { allStages, renderStages } from './render-stages.js';
export type { Stage, StageEvent, StageStep } from './stage.js';
export { configErrorAnnotation, nodeNotReadyLabel, servedProbePaths } from './pod-predicates.js';
