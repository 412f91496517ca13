/** Who calls an executor endpoint, as the authenticating middleware established it. */
export interface ExecutorIdentity {
  readonly clusterId: string;
  readonly executorId: string;
  /** True when the request sent no X-Executor-ID (seed executors) and `executorId` was made up for it. */
  readonly isAnonymous: boolean;
}

/**
 * Prefix of the ids made up for requests without X-Executor-ID. Reserved: an executor may not send
 * it, so a command delivered to an anonymous (seed) stream is recognisable by its `deliveredTo`.
 */
export const anonymousExecutorPrefix = 'anonymous-';

export const isAnonymousExecutorId = (executorId: string): boolean =>
  executorId.startsWith(anonymousExecutorPrefix);
