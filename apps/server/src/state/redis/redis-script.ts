import { createHash } from 'node:crypto';

import type { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

/** A Lua script run by EVALSHA, loaded on first use and again after a Redis restart (NOSCRIPT). */
export class RedisScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  async run(
    client: RedisClient,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await client.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.#source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * MULTI/EXEC reports a failed command inside the transaction as its reply, not as a rejection:
 * this turns the first one into the error it is.
 */
export const execReplies = (replies: [Error | null, unknown][] | null): unknown[] => {
  if (replies === null) throw new Error('the transaction was aborted (EXEC returned null)');
  const failed = replies.find(([error]) => error !== null)?.[0];
  if (failed !== undefined && failed !== null) throw failed;
  return replies.map(([, reply]) => reply);
};
