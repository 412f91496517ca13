export { ExecutorHub } from './executor-hub.js';
export type { ExecutorHubOptions } from './executor-hub.js';
export type { ExecutorLink, SessionNotice } from './executor-link.js';
export { anonymousExecutorPrefix, isAnonymousExecutorId } from './executor-identity.js';
export type { ExecutorIdentity } from './executor-identity.js';
