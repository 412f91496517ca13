import type { Caller } from '../auth/api-key-verifier.js';

export interface ExecutorIdentity {
  readonly clusterId: string;
  readonly executorId: string;
}

/** Per-request values set by middleware. */
export interface AppEnv {
  Variables: {
    correlationId: string;
    caller: Caller;
    executor: ExecutorIdentity;
  };
}
