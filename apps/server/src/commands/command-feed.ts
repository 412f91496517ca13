import type { AuditRecord } from '@kubently/protocol';

import { KubentlyError } from '../errors/kubently-error.js';
import type { AuditLog } from '../state/audit-log.js';
import type { Logger } from '../support/logger.js';
import type { Timers } from '../support/timers.js';

export type CommandFeedNotice =
  | { readonly type: 'command'; readonly record: AuditRecord }
  | { readonly type: 'gap'; readonly message: string };

export type CommandFeedListener = (notice: CommandFeedNotice) => void;

export interface CommandFeedOptions {
  readonly audit: AuditLog;
  readonly timers: Timers;
  readonly logger: Logger;
  /** How often the audit log is read while someone listens (default 1000 ms). */
  readonly intervalMs?: number;
  /** Newest records read per poll; more new records than this between two polls is a gap. */
  readonly window?: number;
  /** Records kept for a new listener's backlog. */
  readonly backlog?: number;
}

export interface CommandFeedSubscription {
  /** The latest records, oldest first, as of subscribing (the listener gets only newer ones). */
  readonly backlog: readonly AuditRecord[];
  readonly close: () => void;
}

/**
 * The live command feed (`GET /v1/commands/stream`): every command attempt's audit record (argv,
 * decision, outcome, duration; never output) as it lands. The feed tails the audit log, which every
 * replica writes to the same backend, so a listener on one replica sees commands run through any
 * replica. One poll per replica serves all its listeners, and only while there are listeners: one
 * bounded read of the newest `window` records; the records not in the previous read are new (the
 * log is append-ordered). A record finished after the read shows on the next one.
 */
export class CommandFeed {
  readonly #audit: AuditLog;
  readonly #timers: Timers;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #window: number;
  readonly #backlogSize: number;
  readonly #listeners = new Set<CommandFeedListener>();
  readonly #enders = new Map<CommandFeedListener, () => void>();
  #seen = new Set<string>();
  #recent: AuditRecord[] = [];
  #started: Promise<void> | null = null;
  #cancelTimer: (() => void) | null = null;
  #closed = false;
  #reading: Promise<void> = Promise.resolve();

  constructor(options: CommandFeedOptions) {
    this.#audit = options.audit;
    this.#timers = options.timers;
    this.#logger = options.logger;
    this.#intervalMs = options.intervalMs ?? 1000;
    this.#window = options.window ?? 200;
    this.#backlogSize = options.backlog ?? 50;
  }

  /**
   * Starts listening; the first listener starts the poll (after one read that fills the backlog).
   * `onEnd` is called when the feed closes (server shutdown), so a stream can end.
   */
  async subscribe(listener: CommandFeedListener, onEnd?: () => void): Promise<CommandFeedSubscription> {
    if (this.#closed)
      throw new KubentlyError('shutting_down', 'the server is shutting down; retry on another replica');
    this.#started ??= this.#read(false).then(() => {
      this.#schedule();
    });
    this.#listeners.add(listener);
    if (onEnd !== undefined) this.#enders.set(listener, onEnd);
    try {
      await this.#started;
    } catch (error) {
      this.#unsubscribe(listener);
      throw error;
    }
    return {
      backlog: [...this.#recent],
      close: () => {
        this.#unsubscribe(listener);
      },
    };
  }

  /** Reads once now (tests drive it instead of waiting for the timer). */
  poll(): Promise<void> {
    return this.#read(true);
  }

  close(): void {
    this.#closed = true;
    const enders = [...this.#enders.values()];
    this.#listeners.clear();
    this.#enders.clear();
    this.#stop();
    for (const end of enders) end();
  }

  #unsubscribe(listener: CommandFeedListener): void {
    this.#listeners.delete(listener);
    this.#enders.delete(listener);
    if (this.#listeners.size === 0) this.#stop();
  }

  #stop(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    this.#started = null;
  }

  #schedule(): void {
    if (this.#closed || this.#listeners.size === 0) return;
    this.#cancelTimer = this.#timers.after(this.#intervalMs, () => {
      this.#cancelTimer = null;
      this.#read(true)
        .catch((error: unknown) => {
          // A backend hiccup skips one read; the next one catches up (records stay in the log).
          this.#logger.warn({ err: error }, 'reading the audit log for the command feed failed');
        })
        .finally(() => {
          this.#schedule();
        });
    });
  }

  /** Reads one at a time, so two overlapping reads never announce the same record twice. */
  #read(emit: boolean): Promise<void> {
    const next = this.#reading.then(() => this.#readNow(emit));
    this.#reading = next.catch(() => undefined);
    return next;
  }

  async #readNow(emit: boolean): Promise<void> {
    const newestFirst = await this.#audit.query({ limit: this.#window });
    const fresh = newestFirst.filter((record) => !this.#seen.has(record.id)).reverse();
    this.#seen = new Set(newestFirst.map((record) => record.id));
    if (fresh.length === 0) return;
    this.#recent = [...this.#recent, ...fresh].slice(-this.#backlogSize);
    if (!emit) return;
    const notices: CommandFeedNotice[] =
      fresh.length >= this.#window
        ? [
            {
              type: 'gap',
              message: `more than ${this.#window} commands since the last read; older ones are in the audit log`,
            },
          ]
        : [];
    for (const record of fresh) notices.push({ type: 'command', record });
    for (const listener of [...this.#listeners]) for (const notice of notices) listener(notice);
  }
}
