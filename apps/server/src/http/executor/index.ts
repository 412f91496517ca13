export { openStream, pollFrames, registerExecutorRoutes, sseHeaders } from './executor-routes.js';
export { PollLink } from './poll-link.js';
export type { PollLinkOptions } from './poll-link.js';
export { seedDialect, v1Dialect } from './sse-dialect.js';
export type { SseDialect } from './sse-dialect.js';
export { SseLink } from './sse-link.js';
export type { SseLinkOptions } from './sse-link.js';
