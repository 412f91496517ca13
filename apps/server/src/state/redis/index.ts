export { createRedisState } from './create-redis-state.js';
export type { RedisStateOptions, RedisStateStore } from './create-redis-state.js';
export { parseRedisUrl } from './redis-connection.js';
export type { RedisTarget } from './redis-connection.js';
export { createRedisKeys } from './redis-keys.js';
export type { RedisKeys } from './redis-keys.js';
export type { LostListener } from './orphan-reaper.js';
