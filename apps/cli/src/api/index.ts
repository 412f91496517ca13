export { createApiClient } from './api-client.js';
export type { ApiClient, ApiClientOptions, AuditFilter, FindingFilter } from './api-client.js';
export { openApiClient } from './open-api-client.js';
