export { DiagnosisService } from './diagnosis-service.js';
export type { DiagnoseClusterInput, DiagnosisOutcome, DiagnosisServiceOptions } from './diagnosis-service.js';
export { relayKubectlRun } from './relay-kubectl-run.js';
export type { RelayKubectlRunOptions } from './relay-kubectl-run.js';
