import { PolicyConfigError } from '@kubently/policy';
import type { PolicyConfig } from '@kubently/policy';
import type { ClusterInfo, ClusterTokenResponse, ExecutorCapabilities } from '@kubently/protocol';

import type { Caller } from '../auth/api-key-verifier.js';
import { canUseCluster } from '../auth/can-see.js';
import { generateToken, hashSecret } from '../auth/secrets.js';
import type { CommandService } from '../commands/command-service.js';
import { KubentlyError } from '../errors/kubently-error.js';
import type { ExecutorHub } from '../executors/executor-hub.js';
import type { ExecutorIdentity } from '../executors/executor-identity.js';
import { policiesInForce, policyOfCapabilities } from '../policy/policies-in-force.js';
import type { SessionService } from '../sessions/session-service.js';
import { isoAt } from '../support/clock.js';
import type { Clock } from '../support/clock.js';
import type { Logger } from '../support/logger.js';
import type { ClusterRecord } from '../state/cluster-registry.js';
import type { StateStore } from '../state/state-store.js';

/** Cluster registration, executor tokens (hashed at rest, rotatable with overlap) and the cluster view. */
export class ClusterService {
  readonly #state: StateStore;
  readonly #hub: ExecutorHub;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #tokenOverlapMs: number;
  #commands: CommandService | undefined;
  #sessions: SessionService | undefined;

  constructor(options: {
    state: StateStore;
    hub: ExecutorHub;
    clock: Clock;
    logger: Logger;
    tokenOverlapSeconds: number;
  }) {
    this.#state = options.state;
    this.#hub = options.hub;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#tokenOverlapMs = options.tokenOverlapSeconds * 1000;
  }

  /** Late wiring: removing a cluster ends its commands and sessions. */
  bind(commands: CommandService, sessions: SessionService): void {
    this.#commands = commands;
    this.#sessions = sessions;
  }

  /**
   * The policies the cluster's executors reported, from the state backend (any replica gets the
   * same answer): see `policiesInForce`. Empty until one reported.
   */
  async reportedPolicies(clusterId: string): Promise<PolicyConfig[]> {
    const presence = await this.#state.clusters.listPresence(clusterId);
    return policiesInForce(presence, this.#hub.connectedExecutorIds(clusterId));
  }

  /**
   * True when every executor of the cluster connected now reported the `read` capability (and at
   * least one did): a structured read then reaches an executor that answers it through the API.
   * Otherwise callers read through kubectl (decision 0011).
   */
  async offersRead(clusterId: string): Promise<boolean> {
    const presence = await this.#state.clusters.listPresence(clusterId);
    const liveHere = this.#hub.connectedExecutorIds(clusterId);
    const live = presence.filter((entry) => entry.connected || liveHere.has(entry.executorId));
    return live.length > 0 && live.every((entry) => entry.capabilities?.read !== undefined);
  }

  /** A caller limited to some clusters may register only those. */
  async create(id: string, caller: Caller): Promise<ClusterTokenResponse> {
    if (!canUseCluster(caller, id)) {
      throw new KubentlyError(
        'forbidden',
        `this key may act only on clusters ${(caller.clusters ?? []).join(', ')}; register "${id}" with a key whose scope includes it`,
        { details: { clusterId: id } },
      );
    }
    const token = generateToken();
    const createdAt = this.#clock.now();
    const created = await this.#state.clusters.create({
      id,
      createdAt,
      tokens: [{ hash: hashSecret(token), expiresAt: null }],
    });
    if (!created) {
      throw new KubentlyError(
        'cluster_exists',
        `cluster "${id}" already exists; rotate its token with POST /v1/clusters/${id}/token or pick another id`,
        { details: { clusterId: id } },
      );
    }
    this.#logger.info({ clusterId: id }, 'cluster registered');
    return { id, token, createdAt: isoAt(createdAt) };
  }

  /** The clusters the caller may see (its key's scope); no other cluster is ever named. */
  async list(caller: Caller): Promise<ClusterInfo[]> {
    const records = await this.#state.clusters.list();
    return Promise.all(
      records.filter((record) => canUseCluster(caller, record.id)).map((record) => this.#info(record)),
    );
  }

  async get(id: string, caller: Caller): Promise<ClusterInfo> {
    return this.#info(await this.#require(id, caller));
  }

  async remove(id: string, caller: Caller): Promise<void> {
    await this.#require(id, caller);
    await this.#sessions?.endForCluster(id);
    this.#hub.closeCluster(id);
    const dropped = await this.#state.queue.purge(id);
    await this.#commands?.failRemoved(dropped);
    await this.#state.clusters.delete(id);
    this.#logger.info({ clusterId: id }, 'cluster removed');
  }

  /** A new token; the previous current token keeps working for the overlap window, older ones stop. */
  async rotateToken(id: string, caller: Caller): Promise<ClusterTokenResponse> {
    const record = await this.#require(id, caller);
    const now = this.#clock.now();
    const token = generateToken();
    const previousExpiresAt = now + this.#tokenOverlapMs;
    const previous = record.tokens.find((stored) => stored.expiresAt === null);
    const tokens = [
      { hash: hashSecret(token), expiresAt: null },
      ...(previous === undefined || this.#tokenOverlapMs === 0
        ? []
        : [{ hash: previous.hash, expiresAt: previousExpiresAt }]),
    ];
    await this.#state.clusters.replaceTokens(id, tokens);
    this.#logger.info({ clusterId: id }, 'cluster token rotated');
    return { id, token, createdAt: isoAt(now), previousTokenExpiresAt: isoAt(previousExpiresAt) };
  }

  /**
   * Stores an executor's report. Only the executor itself, over a live link: its id must be the
   * request's X-Executor-ID, and it must hold a stream or be polling, as the state backend's
   * presence says (the link may be on another replica). Without that, any holder of the cluster
   * token could mark the cluster connected or change what its pre-check lets through.
   */
  async recordCapabilities(executor: ExecutorIdentity, capabilities: ExecutorCapabilities): Promise<void> {
    const { clusterId, executorId } = executor;
    if (capabilities.executorId !== executorId) {
      throw new KubentlyError(
        'forbidden',
        `capabilities.executorId "${capabilities.executorId}" is not this request's X-Executor-ID "${executorId}"; an executor reports only its own capabilities`,
        { details: { executorId } },
      );
    }
    try {
      policyOfCapabilities(capabilities);
    } catch (error) {
      if (!(error instanceof PolicyConfigError)) throw error;
      throw new KubentlyError(
        'validation_failed',
        `invalid capabilities: policy.${error.field}: ${error.message}`,
        {
          details: { issues: [{ path: `policy.${error.field}`, message: error.message }] },
          cause: error,
        },
      );
    }
    const presence = await this.#state.clusters.listPresence(clusterId);
    const live =
      this.#hub.connectedExecutorIds(clusterId).has(executorId) ||
      presence.some((entry) => entry.executorId === executorId && entry.connected);
    if (!live || !(await this.#state.clusters.putCapabilities(clusterId, executorId, capabilities))) {
      throw new KubentlyError(
        'conflict',
        `executor "${executorId}" holds no live link to the server; open GET /v1/executor/stream (or long-poll GET /v1/executor/commands) first, then report capabilities`,
        { details: { clusterId, executorId } },
      );
    }
  }

  /** Out of the caller's scope reads exactly like unregistered. */
  async #require(id: string, caller: Caller): Promise<ClusterRecord> {
    const record = canUseCluster(caller, id) ? await this.#state.clusters.get(id) : null;
    if (record === null) {
      throw new KubentlyError(
        'cluster_not_found',
        `cluster "${id}" is not registered; list clusters with GET /v1/clusters`,
        {
          details: { clusterId: id },
        },
      );
    }
    return record;
  }

  async #info(record: ClusterRecord): Promise<ClusterInfo> {
    const presence = await this.#state.clusters.listPresence(record.id);
    const live = this.#hub.connectedExecutorIds(record.id);
    const connected = presence.filter((entry) => entry.connected || live.has(entry.executorId));
    const latest =
      connected.find((entry) => entry.capabilities !== null) ??
      presence.find((entry) => entry.capabilities !== null);
    const capabilities = latest?.capabilities ?? null;
    return {
      id: record.id,
      createdAt: isoAt(record.createdAt),
      connected: connected.length > 0,
      executors: connected.length,
      lastSeenAt: presence[0] === undefined ? null : isoAt(presence[0].lastSeenAt),
      mode: capabilities?.mode ?? null,
      executorVersion: capabilities?.executorVersion ?? null,
      kubectlVersion: capabilities?.kubectlVersion ?? null,
      kubernetesVersion: capabilities?.kubernetesVersion ?? null,
      apiServer: capabilities?.apiServer ?? null,
    };
  }
}
