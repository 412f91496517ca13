export { isoAt, systemClock } from './clock.js';
export type { Clock } from './clock.js';
export { uuidGenerator } from './ids.js';
export type { IdGenerator } from './ids.js';
export { createLogger } from './logger.js';
export type { Logger } from './logger.js';
export { systemTimers } from './timers.js';
export type { Timers } from './timers.js';
