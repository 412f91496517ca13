import type { Session } from '@kubently/protocol';

import type { Caller } from '../auth/api-key-verifier.js';
import { canSee, canUseCluster } from '../auth/can-see.js';
import { KubentlyError } from '../errors/kubently-error.js';
import type { ExecutorHub } from '../executors/executor-hub.js';
import { isoAt } from '../support/clock.js';
import type { Clock } from '../support/clock.js';
import type { IdGenerator } from '../support/ids.js';
import type { Logger } from '../support/logger.js';
import type { StateStore } from '../state/state-store.js';

export interface OpenSessionInput {
  readonly clusterId: string;
  readonly ttlSeconds?: number | undefined;
  readonly correlationId: string;
  readonly caller: Caller;
}

/** Debug sessions with a sliding TTL; the cluster's executors hear when one starts and ends. */
export class SessionService {
  readonly #state: StateStore;
  readonly #hub: ExecutorHub;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #logger: Logger;
  readonly #defaultTtlSeconds: number;

  constructor(options: {
    state: StateStore;
    hub: ExecutorHub;
    clock: Clock;
    ids: IdGenerator;
    logger: Logger;
    defaultTtlSeconds: number;
  }) {
    this.#state = options.state;
    this.#hub = options.hub;
    this.#clock = options.clock;
    this.#ids = options.ids;
    this.#logger = options.logger;
    this.#defaultTtlSeconds = options.defaultTtlSeconds;
  }

  async open(input: OpenSessionInput): Promise<Session> {
    if (
      !canUseCluster(input.caller, input.clusterId) ||
      (await this.#state.clusters.get(input.clusterId)) === null
    ) {
      throw new KubentlyError(
        'cluster_not_found',
        `cluster "${input.clusterId}" is not registered; list clusters with GET /v1/clusters`,
        { details: { clusterId: input.clusterId } },
      );
    }
    const now = this.#clock.now();
    const ttlSeconds = input.ttlSeconds ?? this.#defaultTtlSeconds;
    const session: Session = {
      id: this.#ids.next(),
      clusterId: input.clusterId,
      identity: input.caller.identity,
      correlationId: input.correlationId,
      ttlSeconds,
      createdAt: isoAt(now),
      expiresAt: isoAt(now + ttlSeconds * 1000),
    };
    await this.#state.sessions.create(session);
    this.#hub.broadcast(session.clusterId, {
      type: 'session-started',
      sessionId: session.id,
      clusterId: session.clusterId,
      expiresAt: session.expiresAt,
    });
    this.#logger.info(
      {
        sessionId: session.id,
        clusterId: session.clusterId,
        identity: session.identity,
        correlationId: session.correlationId,
      },
      'session opened',
    );
    return session;
  }

  /** The caller's session (any session for an admin); someone else's is session_not_found. */
  async get(id: string, caller: Caller): Promise<Session> {
    const session = await this.#state.sessions.get(id);
    if (session === null || !canSee(caller, session.identity, session.clusterId)) throw notFound(id);
    return session;
  }

  /** Closes the caller's session (any session for an admin); someone else's is session_not_found. */
  async close(id: string, caller: Caller): Promise<Session> {
    await this.get(id, caller);
    const session = await this.#state.sessions.delete(id);
    if (session === null) throw notFound(id);
    this.#ended(session, 'closed');
    return session;
  }

  /** Ends expired sessions; called by the housekeeping timer. */
  async expire(): Promise<number> {
    const expired = await this.#state.sessions.takeExpired();
    for (const session of expired) this.#ended(session, 'expired');
    return expired.length;
  }

  /** The cluster is being removed: its sessions end. */
  async endForCluster(clusterId: string): Promise<void> {
    for (const session of await this.#state.sessions.listByCluster(clusterId)) {
      await this.#state.sessions.delete(session.id);
      this.#ended(session, 'cluster_removed');
    }
  }

  #ended(session: Session, reason: 'closed' | 'expired' | 'cluster_removed'): void {
    this.#hub.broadcast(session.clusterId, {
      type: 'session-ended',
      sessionId: session.id,
      clusterId: session.clusterId,
      reason,
    });
    this.#logger.info({ sessionId: session.id, clusterId: session.clusterId, reason }, 'session ended');
  }
}

const notFound = (id: string): KubentlyError =>
  new KubentlyError(
    'session_not_found',
    `session "${id}" does not exist or has expired; open one with POST /v1/sessions`,
    {
      details: { sessionId: id },
    },
  );
