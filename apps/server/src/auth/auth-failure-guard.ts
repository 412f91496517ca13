import type { Clock } from '../support/clock.js';
import type { Logger } from '../support/logger.js';
import type { ServerMetrics } from '../telemetry/index.js';

/** Which surface refused the credentials (for the log line). */
export type AuthSurface = 'rest' | 'seed' | 'a2a' | 'mcp' | 'executor';

export interface AuthFailure {
  readonly source: string;
  readonly surface: AuthSurface;
  /** `missing`: no credential at all; `invalid`: a credential that matched nothing (a guess). */
  readonly reason: 'missing' | 'invalid';
  readonly method: string;
  readonly path: string;
  readonly correlationId: string;
}

export interface AuthFailureGuardOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Invalid credentials from one source within `windowMs` that start a block. */
  readonly maxFailures: number;
  readonly windowMs?: number;
  /** First block; each further block of the same source doubles it, up to `maxBlockMs`. */
  readonly blockMs?: number;
  readonly maxBlockMs?: number;
  /** At most one log line per source per interval; the next one says how many were suppressed. */
  readonly logIntervalMs?: number;
  /** Sources remembered at once; the least recently seen are forgotten first (a hard memory bound). */
  readonly maxSources?: number;
  readonly metrics?: ServerMetrics | undefined;
}

interface SourceState {
  windowStartedAt: number;
  failures: number;
  blockedUntil: number;
  /** Blocks so far; reset once the source has been quiet for a whole maximum block. */
  strikes: number;
  lastSeenAt: number;
  lastLoggedAt: number;
  suppressed: number;
}

const defaults = {
  windowMs: 60_000,
  blockMs: 30_000,
  maxBlockMs: 15 * 60_000,
  logIntervalMs: 60_000,
  maxSources: 10_000,
} as const;

/**
 * Logs failed authentication (warn, rate-limited per source, with the source address) and slows
 * down guessing: after `maxFailures` invalid credentials from one source within a window, every
 * request from that source is refused for a block that doubles with each repeat. The block is
 * checked before any credential is verified, so a guesser learns nothing while it lasts. State is
 * per replica and bounded; with N replicas a guesser gets at most N times the budget.
 */
export class AuthFailureGuard {
  readonly #options: Required<Omit<AuthFailureGuardOptions, 'metrics'>>;
  readonly #metrics: ServerMetrics | undefined;
  readonly #sources = new Map<string, SourceState>();

  constructor(options: AuthFailureGuardOptions) {
    const { metrics, ...rest } = options;
    this.#options = { ...defaults, ...rest };
    this.#metrics = metrics;
  }

  /** Seconds the source must wait before it may authenticate again, or null when it may now. */
  blockedFor(source: string): number | null {
    const state = this.#sources.get(source);
    if (state === undefined) return null;
    const remaining = state.blockedUntil - this.#options.clock.now();
    return remaining > 0 ? Math.ceil(remaining / 1000) : null;
  }

  /** Records a refused credential; returns the block in seconds when this failure started one. */
  failed(failure: AuthFailure): number | null {
    const { clock, logger } = this.#options;
    const now = clock.now();
    const state = this.#touch(failure.source, now);
    this.#metrics?.authFailed({ surface: failure.surface, reason: failure.reason });
    let startedBlockMs: number | null = null;
    if (failure.reason === 'invalid') {
      if (now - state.windowStartedAt >= this.#options.windowMs) {
        state.windowStartedAt = now;
        state.failures = 0;
      }
      state.failures += 1;
      if (state.failures >= this.#options.maxFailures) {
        state.strikes += 1;
        startedBlockMs = Math.min(
          this.#options.blockMs * 2 ** Math.min(state.strikes - 1, 30),
          this.#options.maxBlockMs,
        );
        state.blockedUntil = now + startedBlockMs;
        state.windowStartedAt = now;
        state.failures = 0;
      }
    }
    const fields = {
      source: failure.source,
      surface: failure.surface,
      reason: failure.reason,
      method: failure.method,
      path: failure.path,
      correlationId: failure.correlationId,
    };
    if (startedBlockMs !== null) {
      logger.warn(
        {
          ...fields,
          blockSeconds: startedBlockMs / 1000,
          strikes: state.strikes,
          suppressed: state.suppressed,
        },
        'too many failed authentication attempts; refusing this source for a while',
      );
      state.lastLoggedAt = now;
      state.suppressed = 0;
      return startedBlockMs / 1000;
    }
    if (now - state.lastLoggedAt >= this.#options.logIntervalMs) {
      logger.warn({ ...fields, suppressed: state.suppressed }, 'authentication failed');
      state.lastLoggedAt = now;
      state.suppressed = 0;
    } else {
      state.suppressed += 1;
    }
    return null;
  }

  /** Number of sources remembered (for tests and metrics). */
  get size(): number {
    return this.#sources.size;
  }

  #touch(source: string, now: number): SourceState {
    let state = this.#sources.get(source);
    if (state !== undefined) {
      // Re-insert: Map order is then least recently seen first, which is what eviction drops.
      this.#sources.delete(source);
      const quietSince = Math.max(state.lastSeenAt, state.blockedUntil);
      if (state.blockedUntil <= now && now - quietSince >= this.#options.maxBlockMs) state.strikes = 0;
    } else {
      state = {
        windowStartedAt: now,
        failures: 0,
        blockedUntil: 0,
        strikes: 0,
        lastSeenAt: now,
        lastLoggedAt: Number.NEGATIVE_INFINITY,
        suppressed: 0,
      };
    }
    state.lastSeenAt = now;
    this.#sources.set(source, state);
    this.#evict();
    return state;
  }

  /** Hard bound: past it the least recently seen source is forgotten, even a blocked one. */
  #evict(): void {
    while (this.#sources.size > this.#options.maxSources) {
      const oldest = this.#sources.keys().next();
      if (oldest.done === true) return;
      this.#sources.delete(oldest.value);
    }
  }
}
