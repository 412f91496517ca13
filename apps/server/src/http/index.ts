export type { AppEnv, ExecutorIdentity } from './app-env.js';
export { createApp } from './create-app.js';
