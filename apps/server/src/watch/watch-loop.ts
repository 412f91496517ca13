import type { Report } from '@kubently/diagnosis';
import type { Notification } from '@kubently/notify';

import type { FindingHistory, FindingObservation, FindingTransition } from '../state/finding-history.js';
import type { Clock } from '../support/clock.js';
import type { Logger } from '../support/logger.js';
import type { Timers } from '../support/timers.js';
import { notificationOf } from '../notify/notification-of.js';

/** One opted-in cluster, or some of its namespaces, checked on a schedule. */
export interface WatchTarget {
  readonly clusterId: string;
  /** Undefined: every namespace. */
  readonly namespaces?: readonly string[] | undefined;
  readonly intervalMs: number;
}

export interface WatchCheckInput {
  readonly clusterId: string;
  readonly namespaces: readonly string[] | undefined;
  readonly correlationId: string;
  readonly signal: AbortSignal;
}

export interface WatchLoopOptions {
  readonly targets: readonly WatchTarget[];
  /** A full snapshot diagnosis of the target (the diagnosis service as the watch's identity). */
  readonly diagnose: (input: WatchCheckInput) => Promise<Report>;
  readonly history: FindingHistory;
  /** Sends a notice to the routed sinks; resolves when every sink has an outcome. */
  readonly notify: (notification: Notification) => Promise<unknown>;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  /** This replica; only the holder of a target's claim checks it. */
  readonly holder: string;
  readonly flapWindowMs: number;
  /** Each wait is stretched by up to this fraction (0..0.5) so checks of many clusters spread out. */
  readonly jitter: number;
  readonly random?: () => number;
  readonly ids: () => string;
}

export type CheckOutcome =
  | { readonly type: 'checked'; readonly transitions: readonly FindingTransition[] }
  | { readonly type: 'skipped'; readonly reason: 'cluster-busy' | 'claimed-elsewhere' | 'closed' }
  | { readonly type: 'failed'; readonly error: string };

/** The scope key of a target: `<cluster>` or `<cluster>/<ns>,<ns>` (sorted). */
export const scopeOf = (target: Pick<WatchTarget, 'clusterId' | 'namespaces'>): string =>
  target.namespaces === undefined || target.namespaces.length === 0
    ? target.clusterId
    : `${target.clusterId}/${[...target.namespaces].sort().join(',')}`;

const observationsOf = (report: Report): FindingObservation[] =>
  report.findings.map((finding) => ({
    fingerprint: finding.id,
    rule: finding.rule,
    severity: finding.severity,
    resource: finding.resource,
    summary: finding.summary,
    rootCause: finding.rootCause,
    remediation: finding.remediation,
    evidence: finding.evidence.map((item) => item.command),
  }));

/**
 * Keeps opted-in clusters under continuous diagnosis: each target is checked (a full snapshot
 * through its executor), its root causes recorded in the findings history, and each transition
 * (opened, reopened, resolved) sent as a notice. Cost is bounded: one check in flight per cluster
 * (a target whose cluster is busy waits for its next turn), a minimum interval (config), jittered
 * waits, and across replicas only the holder of a target's claim checks it. A failed check changes
 * nothing in the history (a cluster that cannot be seen resolves nothing).
 */
export class WatchLoop {
  readonly #options: WatchLoopOptions;
  readonly #busy = new Set<string>();
  readonly #cancels = new Map<string, () => void>();
  readonly #sending = new Set<Promise<unknown>>();
  readonly #closing = new AbortController();

  constructor(options: WatchLoopOptions) {
    this.#options = options;
  }

  /** Schedules every target's first check within its jitter of now. */
  start(): void {
    for (const target of this.#options.targets) this.#schedule(target, true);
  }

  #random(): number {
    return (this.#options.random ?? Math.random)();
  }

  #schedule(target: WatchTarget, isFirst: boolean): void {
    if (this.#closing.signal.aborted) return;
    const spread = target.intervalMs * this.#options.jitter * this.#random();
    const delay = Math.round(isFirst ? spread : target.intervalMs + spread);
    const scope = scopeOf(target);
    this.#cancels.set(
      scope,
      this.#options.timers.after(delay, () => {
        this.check(target)
          .catch((error: unknown) => {
            this.#options.logger.error({ err: error, scope }, 'watch check crashed; the next one retries');
          })
          .finally(() => {
            this.#schedule(target, false);
          });
      }),
    );
  }

  /** One check of one target now (the timer calls it; tests call it directly). */
  async check(target: WatchTarget): Promise<CheckOutcome> {
    const { clock, logger, history } = this.#options;
    if (this.#closing.signal.aborted) return { type: 'skipped', reason: 'closed' };
    const scope = scopeOf(target);
    if (this.#busy.has(target.clusterId)) return { type: 'skipped', reason: 'cluster-busy' };
    this.#busy.add(target.clusterId);
    try {
      // The claim outlives one interval, so the replica that holds it keeps it while it lives.
      const ttlMs = target.intervalMs * 2 + 30_000;
      if (!(await history.claim(scope, this.#options.holder, clock.now(), ttlMs))) {
        return { type: 'skipped', reason: 'claimed-elsewhere' };
      }
      const correlationId = `watch-${this.#options.ids()}`;
      let report: Report;
      try {
        report = await this.#options.diagnose({
          clusterId: target.clusterId,
          namespaces: target.namespaces,
          correlationId,
          signal: this.#closing.signal,
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        logger.warn(
          { scope, correlationId, err: error },
          'watch check failed; findings unchanged until the next one',
        );
        return { type: 'failed', error: message };
      }
      const transitions = await history.observe({
        clusterId: target.clusterId,
        scope,
        at: clock.now(),
        findings: observationsOf(report),
        flapWindowMs: this.#options.flapWindowMs,
      });
      logger.info(
        {
          scope,
          correlationId,
          rootCauses: report.findings.length,
          transitions: transitions.map(({ type, record }) => `${type}:${record.fingerprint}`),
        },
        'watch check',
      );
      for (const transition of transitions) this.#send(notificationOf(transition));
      return { type: 'checked', transitions };
    } finally {
      this.#busy.delete(target.clusterId);
    }
  }

  /** Notices go out in the background (retries may take minutes); close() waits for them. */
  #send(notification: Notification): void {
    const sending = this.#options
      .notify(notification)
      .catch((error: unknown) => {
        this.#options.logger.error(
          { err: error, fingerprint: notification.fingerprint },
          'sending a notice failed',
        );
      })
      .finally(() => {
        this.#sending.delete(sending);
      });
    this.#sending.add(sending);
  }

  /** Resolves when every notice sent so far has an outcome (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#sending.size > 0) await Promise.all([...this.#sending]);
  }

  async close(): Promise<void> {
    this.#closing.abort();
    for (const cancel of this.#cancels.values()) cancel();
    this.#cancels.clear();
    await this.settled();
  }
}
