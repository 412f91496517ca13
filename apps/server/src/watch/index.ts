export { scopeOf, WatchLoop } from './watch-loop.js';
export type { CheckOutcome, WatchCheckInput, WatchLoopOptions, WatchTarget } from './watch-loop.js';
export { createNotifications, watchCallerOf } from './create-notifications.js';
export type { Notifications } from './create-notifications.js';
