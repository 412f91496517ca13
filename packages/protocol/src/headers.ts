/** HTTP header names used across surfaces (lower-case, as Node and fetch normalise them). */
export const headers = {
  apiKey: 'x-api-key',
  authorization: 'authorization',
  correlationId: 'x-correlation-id',
  clusterId: 'x-cluster-id',
  requestTimeout: 'x-request-timeout',
  lastEventId: 'last-event-id',
  executorId: 'x-executor-id',
  traceparent: 'traceparent',
} as const;
