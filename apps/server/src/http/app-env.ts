import type { Caller } from '../auth/api-key-verifier.js';
import type { ExecutorIdentity } from '../executors/executor-identity.js';

export type { ExecutorIdentity };

/** Per-request values set by middleware. */
export interface AppEnv {
  Variables: {
    correlationId: string;
    caller: Caller;
    executor: ExecutorIdentity;
  };
}
