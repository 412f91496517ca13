export { alertmanagerAlertSchema, alertmanagerPayloadSchema } from './alertmanager.js';
export type { AlertmanagerAlert, AlertmanagerPayload } from './alertmanager.js';
export { auditListSchema, auditOutcomes, auditQuerySchema, auditRecordSchema } from './audit.js';
export type { AuditList, AuditQuery, AuditRecord } from './audit.js';
export {
  clusterInfoSchema,
  clusterListSchema,
  clusterTokenResponseSchema,
  createClusterRequestSchema,
} from './clusters.js';
export type { ClusterInfo, ClusterList, ClusterTokenResponse, CreateClusterRequest } from './clusters.js';
export {
  callbackUrlSchema,
  commandFailureCodes,
  commandFailureSchema,
  commandLimits,
  commandRequestSchema,
  commandResponseSchema,
  commandResultSchema,
  commandSchema,
  commandStatusSchema,
  commandStatuses,
  resultAckSchema,
  traceparentSchema,
} from './command.js';
export type {
  Command,
  CommandFailure,
  CommandRequest,
  CommandResponse,
  CommandResult,
  CommandStatus,
  ResultAck,
} from './command.js';
export {
  findingListSchema,
  findingQuerySchema,
  findingRecordSchema,
  findingStatuses,
  findingStatusSchema,
  findingViewSchema,
} from './findings.js';
export type { FindingList, FindingQuery, FindingRecord, FindingView } from './findings.js';
export {
  diagnoseLimits,
  diagnosisIncludes,
  diagnosisIncludeSchema,
  findingCategorySchema,
  diagnoseRequestSchema,
  diagnoseResponseSchema,
  diagnosisCollectionSchema,
  diagnosisFindingSchema,
  diagnosisReportSchema,
  diagnosisSeverities,
  diagnosisSeveritySchema,
} from './diagnosis.js';
export type {
  DiagnoseRequest,
  DiagnoseResponse,
  DiagnosisCollection,
  DiagnosisFinding,
  DiagnosisReport,
} from './diagnosis.js';
export { errorBodySchema, errorCodeSchema, errorCodes } from './errors.js';
export {
  clusterErrorSchema,
  clusterIdsSchema,
  fanOutCommandRequestSchema,
  fanOutCommandResponseSchema,
  fanOutDiagnoseRequestSchema,
  fanOutDiagnoseResponseSchema,
  fanOutLimits,
} from './fan-out.js';
export type {
  ClusterIds,
  FanOutCommandRequest,
  FanOutCommandResponse,
  FanOutDiagnoseRequest,
  FanOutDiagnoseResponse,
} from './fan-out.js';
export type { ErrorBody, ErrorCode } from './errors.js';
export {
  cancelFrameSchema,
  commandFrameSchema,
  connectedFrameSchema,
  executorCapabilitiesSchema,
  executorFrameSchema,
  longPollResponseSchema,
  policyExtrasSchema,
  policyLongFlagSchema,
  policyResourceSchema,
  policyVerbSchema,
  sessionEndedFrameSchema,
  sessionStartedFrameSchema,
  streamDefaults,
  versionStringSchema,
} from './executor-link.js';
export type {
  CancelFrame,
  CommandFrame,
  ConnectedFrame,
  ExecutorCapabilities,
  ExecutorFrame,
  LongPollResponse,
  PolicyExtras,
  SessionEndedFrame,
  SessionStartedFrame,
} from './executor-link.js';
export { apiServerStatusSchema, rbacSummarySchema } from './api-server-status.js';
export {
  readArgv,
  readCapabilitySchema,
  readLimits,
  readListSchema,
  readRequestSchema,
  readResourceName,
} from './read.js';
export type { ReadCapability, ReadList, ReadRequest } from './read.js';
export type { ApiServerStatus, RbacSummary } from './api-server-status.js';
export { headers } from './headers.js';
export {
  createKeyRequestSchema,
  issuedKeySchema,
  keyIdentitySchema,
  keyLimits,
  keyListSchema,
  keyRecordSchema,
  rotateKeyRequestSchema,
  serviceIdentitySchema,
} from './keys.js';
export type { CreateKeyRequest, IssuedKey, KeyList, KeyRecord, RotateKeyRequest } from './keys.js';
export { healthSchema } from './health.js';
export type { Health } from './health.js';
export {
  clusterIdSchema,
  correlationIdSchema,
  idSchema,
  isoDateSchema,
  namespaceSchema,
  policyModeSchema,
  policyModes,
  roleSchema,
  roles,
} from './identifiers.js';
export type { PolicyMode, Role } from './identifiers.js';
export {
  seedCommandFrameSchema,
  seedCommandResultSchema,
  seedCommandTypes,
  seedExecuteRequestSchema,
  seedExecuteResponseSchema,
  seedSessionRequestSchema,
  seedSessionResponseSchema,
} from './seed-compat.js';
export type {
  SeedCommandFrame,
  SeedCommandResult,
  SeedExecuteRequest,
  SeedExecuteResponse,
  SeedSessionRequest,
  SeedSessionResponse,
} from './seed-compat.js';
export {
  seedAgentCommandSchema,
  seedAgentCommandsSchema,
  seedAgentResultAckSchema,
  seedAgentResultSchema,
  seedAgentStatusSchema,
} from './seed-agent.js';
export type {
  SeedAgentCommand,
  SeedAgentCommands,
  SeedAgentResult,
  SeedAgentResultAck,
  SeedAgentStatus,
} from './seed-agent.js';
export { createSessionRequestSchema, sessionLimits, sessionSchema } from './sessions.js';
export type { CreateSessionRequest, Session } from './sessions.js';
export {
  agentRequestMetadataSchema,
  agentStreamErrorSchema,
  agentStreamEventSchema,
  agentStreamFinalSchema,
  agentStreamMetadataKey,
  tokenUsageSchema,
  toolOutcomes,
} from './agent-stream.js';
export type {
  AgentRequestMetadata,
  AgentStreamError,
  AgentStreamEvent,
  AgentStreamFinal,
  StreamTokenUsage,
} from './agent-stream.js';
export {
  askKubentlyInputSchema,
  askKubentlyOutputSchema,
  closeSessionInputSchema,
  closeSessionOutputSchema,
  commandResultOutputSchema,
  createDebugSessionInputSchema,
  createDebugSessionOutputSchema,
  diagnoseClusterInputSchema,
  diagnoseClusterOutputSchema,
  executeKubectlInputSchema,
  executeKubectlOutputSchema,
  getCommandResultInputSchema,
  getCommandResultOutputSchema,
  listClustersInputSchema,
  listClustersOutputSchema,
  mcpFindingSchema,
  mcpOutputLimits,
  mcpToolNames,
  mcpTools,
} from './mcp-tools.js';
export type {
  McpAskAnswer,
  McpCommandResult,
  McpDiagnosis,
  McpFinding,
  McpToolAnnotations,
  McpToolDefinition,
  McpToolName,
} from './mcp-tools.js';
export {
  capMcpText,
  commandResultText,
  diagnosisText,
  toMcpCommandResult,
  toMcpDiagnosis,
} from './mcp-tool-text.js';
export type { CappedText, ReportLike } from './mcp-tool-text.js';
export {
  askContent,
  clustersContent,
  commandContent,
  diagnosisContent,
  quotedFailureText,
} from './mcp-tool-content.js';
export type { McpContent } from './mcp-tool-content.js';
export { plainVersion, unrecognisedVersion } from './plain-version.js';
export {
  defuseUntrusted,
  markerLookalikeReplacement,
  untrustedEnd,
  untrustedStart,
  wrapUntrusted,
} from './untrusted-text.js';
export { jsonLogFormat, logFieldNames, logRecordSchema, logServices, toLogFields } from './log-record.js';
export type { LogRecord, LogService } from './log-record.js';
export { parseOtlpTracing } from './otlp-tracing.js';
export type { OtlpTracing } from './otlp-tracing.js';
export { scrubSecrets } from './scrub-secrets.js';
export type { ScrubResult } from './scrub-secrets.js';
export { kubectlVerbLabel } from './kubectl-verb-label.js';
export {
  commandCheckRequestSchema,
  commandCheckResponseSchema,
  commandFeedEventSchema,
  commandFeedQuerySchema,
  permissionNameSchema,
  permissionNames,
  whoamiSchema,
} from './dashboard-api.js';
export type {
  CommandCheckRequest,
  CommandCheckResponse,
  CommandFeedEvent,
  PermissionName,
  Whoami,
} from './dashboard-api.js';
