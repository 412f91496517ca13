import type { Command } from '@kubently/protocol';

import { variableOf } from '../config.js';
import type { ServerConfig } from '../config.js';
import { KubentlyError } from '../errors/kubently-error.js';
import type { Clock } from '../support/clock.js';
import type { Logger } from '../support/logger.js';
import type { CommandRecord } from '../state/command-store.js';
import type { QuotaLimit } from '../state/quota-ledger.js';
import type { StateStore } from '../state/state-store.js';
import type { ServerMetrics } from '../telemetry/index.js';

export interface CommandLimitsOptions {
  readonly state: StateStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly maxCommandsInFlightPerIdentity: number;
  readonly maxQueuedCommandsPerCluster: number;
  readonly maxResultBytesPerIdentity: number;
  readonly maxResultBytesTotal: number;
  /** How long a finished result is kept (its bytes count against the budgets as long). */
  readonly resultTtlMs: number;
  readonly metrics?: ServerMetrics | undefined;
}

/** `details.limit` of a refusal: the ledger's limits plus the cluster queue cap. */
export type CommandLimit = QuotaLimit | 'queued-commands-per-cluster';

const configFieldOf = {
  'queued-commands-per-cluster': 'maxQueuedCommandsPerCluster',
  'commands-in-flight-per-identity': 'maxCommandsInFlightPerIdentity',
  'result-bytes-per-identity': 'maxResultBytesPerIdentity',
  'result-bytes-total': 'maxResultBytesTotal',
} as const satisfies Readonly<Record<CommandLimit, keyof ServerConfig>>;

/** A slot frees as soon as one of the caller's commands ends; waiting longer than this is pointless. */
const maxInFlightRetrySeconds = 5;
/** A full queue drains as fast as its executors work. */
const queueRetrySeconds = 5;

const byteCount = (record: CommandRecord): number =>
  record.result === null
    ? 0
    : Buffer.byteLength(record.result.stdout, 'utf8') + Buffer.byteLength(record.result.stderr, 'utf8');

const mebibytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * The three command limits (docs/api.md "Limits"): a per-identity number of open commands, a cap
 * on each cluster's undelivered queue, and byte budgets for kept results, per identity and in
 * total. A refusal happens before anything is created and names the limit, its value, the current
 * usage and the variable that raises it. Results are never cut or dropped for a budget: a new
 * command is refused instead, so what ran is always kept whole.
 */
export class CommandLimits {
  readonly #options: CommandLimitsOptions;

  constructor(options: CommandLimitsOptions) {
    this.#options = options;
  }

  /**
   * Takes a slot of `identity` for `command` until it is released or `releaseAt` passes, or throws
   * rate_limited (the caller's own limits, 429) or capacity_exceeded (the server's, 503).
   */
  async admit(command: Command, identity: string, releaseAt: number): Promise<void> {
    const { state, clock } = this.#options;
    const max = this.#options.maxQueuedCommandsPerCluster;
    // A read, then the enqueue: concurrent submissions can pass the cap together, by at most their
    // number, each of which holds one of its caller's in-flight slots.
    const { queued } = await state.queue.depth(command.clusterId);
    if (queued >= max) {
      throw this.#refusal(
        'capacity_exceeded',
        'queued-commands-per-cluster',
        max,
        queued,
        queueRetrySeconds,
        {
          clusterId: command.clusterId,
          message: `cluster "${command.clusterId}" already has ${queued} undelivered commands queued, its limit (${variableOf('maxQueuedCommandsPerCluster')}=${max}); its executors are behind or gone: retry after ${queueRetrySeconds} s, check them with GET /v1/clusters, or raise ${variableOf('maxQueuedCommandsPerCluster')}`,
        },
      );
    }
    const admission = await state.quotas.admit({
      identity,
      commandId: command.id,
      releaseAt,
      maxInFlight: this.#options.maxCommandsInFlightPerIdentity,
      maxResultBytesPerIdentity: this.#options.maxResultBytesPerIdentity,
      maxResultBytesTotal: this.#options.maxResultBytesTotal,
    });
    if (admission.type === 'admitted') return;
    const untilDrop = Math.max(1, Math.ceil((admission.retryAt - clock.now()) / 1000));
    switch (admission.limit) {
      case 'commands-in-flight-per-identity': {
        const seconds = Math.min(maxInFlightRetrySeconds, untilDrop);
        const variable = variableOf('maxCommandsInFlightPerIdentity');
        throw this.#refusal('rate_limited', admission.limit, admission.max, admission.current, seconds, {
          identity,
          message: `identity "${identity}" already has ${admission.current} commands queued or running, its limit (${variable}=${admission.max}); retry after ${seconds} s, when one has finished, or ask the operator to raise ${variable}`,
        });
      }
      case 'result-bytes-per-identity': {
        const variable = variableOf('maxResultBytesPerIdentity');
        throw this.#refusal('rate_limited', admission.limit, admission.max, admission.current, untilDrop, {
          identity,
          message: `the kept results of identity "${identity}" hold ${admission.current} bytes (${mebibytes(admission.current)}), its budget (${variable}=${admission.max}); results are kept for ${variableOf('resultTtlSeconds')}: retry after ${untilDrop} s, when the oldest expires, or ask the operator to raise ${variable}`,
        });
      }
      case 'result-bytes-total': {
        const variable = variableOf('maxResultBytesTotal');
        throw this.#refusal(
          'capacity_exceeded',
          admission.limit,
          admission.max,
          admission.current,
          untilDrop,
          {
            message: `the server keeps ${admission.current} bytes (${mebibytes(admission.current)}) of results, its total budget (${variable}=${admission.max}); retry after ${untilDrop} s, when the oldest expire, or ask the operator to raise ${variable} or lower ${variableOf('resultTtlSeconds')}`,
          },
        );
      }
    }
  }

  /** Frees the command's slot. Best effort: on failure the slot frees itself at its releaseAt. */
  async release(identity: string, commandId: string): Promise<void> {
    try {
      await this.#options.state.quotas.release(identity, commandId);
    } catch (error) {
      this.#options.logger.warn({ err: error, commandId, identity }, 'could not free a command slot');
    }
  }

  /** A command ended: its slot frees and its result bytes count for the result TTL. Best effort. */
  async finished(record: CommandRecord): Promise<void> {
    const { identity } = record.origin;
    const commandId = record.command.id;
    await this.release(identity, commandId);
    const bytes = byteCount(record);
    if (bytes === 0) return;
    try {
      const expiresAt = (record.finishedAt ?? this.#options.clock.now()) + this.#options.resultTtlMs;
      await this.#options.state.quotas.retain(identity, commandId, bytes, expiresAt);
    } catch (error) {
      this.#options.logger.warn({ err: error, commandId, identity, bytes }, 'could not count result bytes');
    }
  }

  #refusal(
    code: 'rate_limited' | 'capacity_exceeded',
    limit: CommandLimit,
    max: number,
    current: number,
    retryAfterSeconds: number,
    context: { message: string; identity?: string; clusterId?: string },
  ): KubentlyError {
    const { message, ...where } = context;
    const variable = variableOf(configFieldOf[limit]);
    this.#options.logger.info({ limit, max, current, ...where }, 'command refused by a limit');
    this.#options.metrics?.limitRefused({ limit, code });
    return new KubentlyError(code, message, {
      details: { limit, max, current, variable, retryAfterSeconds, ...where },
      retryAfterSeconds,
    });
  }
}
