export { DiagnosisService } from './diagnosis-service.js';
export type { DiagnoseClusterInput, DiagnosisOutcome, DiagnosisServiceOptions } from './diagnosis-service.js';
export { relayCommand, relayKubectlRun } from './relay-kubectl-run.js';
export { relayListRead } from './relay-list-read.js';
export type { RelayKubectlRunOptions } from './relay-kubectl-run.js';
