import { KubentlyError } from '../../errors/kubently-error.js';
import type { Timers } from '../../support/timers.js';

export interface OutageBufferOptions {
  /** KUBENTLY_REDIS_OUTAGE_GRACE_MS: how long a call waits for Redis to come back; 0 disables. */
  readonly graceMs: number;
  /** KUBENTLY_REDIS_OUTAGE_MAX_CALLS: calls waiting at once; one more is refused at once. */
  readonly maxCalls: number;
  /** KUBENTLY_REDIS_OUTAGE_MAX_BYTES: the arguments of the waiting calls, summed. */
  readonly maxBytes: number;
  /** How often waiting calls try again when no `ready` event comes (a Cluster failover emits none). */
  readonly retryIntervalMs: number;
  readonly timers: Timers;
  /** The client's connection is up (ioredis `status === 'ready'`). */
  readonly isReady: () => boolean;
  /** Where the backend is, for messages (no password). */
  readonly where: string;
}

/**
 * Failures of calls Redis never executed: the client refused to send (disconnected, no offline
 * queue), or Redis refused before running anything (no master, cluster down, loading, a demoted
 * master answering READONLY). Retrying such a call cannot run it twice. A call that was sent and
 * got no answer (timeout, connection closed with replies outstanding) is NOT in this list: it may
 * have run, so its caller gets a definite error instead of a retry.
 */
const notExecuted =
  /Stream isn't writeable|enableOfflineQueue|Cluster isn't ready|ECONNREFUSED|CLUSTERDOWN|MASTERDOWN|TRYAGAIN|LOADING|READONLY|All sentinels are unreachable|Failed to refresh slots cache|None of startup nodes is available/;

export const wasNotExecuted = (error: unknown): boolean =>
  error instanceof Error && notExecuted.test(`${error.name}: ${error.message}`);

/** One call's place in line and its grace, kept across its retries. */
interface Ticket {
  readonly sequence: number;
  readonly bytes: number;
  expired: boolean;
  cancelGrace: () => void;
  /** Set while the call waits: runs it (release) or fails it (grace over). */
  waiting: { readonly release: () => void; readonly fail: (error: KubentlyError) => void } | undefined;
}

/**
 * Short Redis outages (a restart, a Sentinel or Cluster failover) absorbed in memory (DESIGN §2,
 * docs/decisions/0016): a state call made while Redis is away, or refused unexecuted, waits here
 * until Redis is back and then runs, in arrival order. The wait is bounded: past `graceMs`, or when
 * the buffer already holds `maxCalls` calls or `maxBytes` of arguments, the caller gets a definite
 * `backend_unavailable`. Nothing is answered before its write reached Redis, so a replica that
 * dies with calls waiting loses only requests whose callers see their connection fail.
 */
export class OutageBuffer {
  readonly #options: OutageBufferOptions;
  readonly #line: Ticket[] = [];
  #bytes = 0;
  #sequence = 0;
  #cancelTick: (() => void) | undefined;

  constructor(options: OutageBufferOptions) {
    this.#options = options;
  }

  /** Calls waiting now, and their bytes (for metrics and tests). */
  get size(): { calls: number; bytes: number } {
    return { calls: this.#line.length, bytes: this.#bytes };
  }

  /** Whether a new call has to wait (Redis is away, or older calls still wait). */
  get isHolding(): boolean {
    return this.#options.graceMs > 0 && (this.#line.length > 0 || !this.#options.isReady());
  }

  /** Redis is back (the client's `ready` event): the waiting calls run, oldest first. */
  ready(): void {
    this.#releaseAll();
  }

  /**
   * Runs `call` now, or once Redis is back when it is away or refuses it unexecuted; `bytes` is
   * asked only when the call has to wait.
   */
  async run<T>(call: () => Promise<T>, bytes: () => number): Promise<T> {
    if (this.#options.graceMs <= 0) return call();
    let ticket: Ticket | undefined;
    try {
      if (this.isHolding) {
        ticket = this.#admit(bytes(), undefined);
        await this.#wait(ticket, undefined);
      }
      for (;;) {
        try {
          return await call();
        } catch (error) {
          if (!wasNotExecuted(error)) throw error;
          ticket ??= this.#admit(bytes(), error);
          await this.#wait(ticket, error);
        }
      }
    } finally {
      ticket?.cancelGrace();
    }
  }

  /** Stops the retry tick and fails every waiting call now (the server is closing). */
  close(): void {
    this.#cancelTick?.();
    this.#cancelTick = undefined;
    for (const ticket of this.#line.splice(0)) ticket.waiting?.fail(this.#graceOver(undefined, 'closing'));
    this.#bytes = 0;
  }

  #admit(bytes: number, cause: unknown): Ticket {
    const { graceMs, maxCalls, maxBytes, where } = this.#options;
    if (this.#line.length + 1 > maxCalls || this.#bytes + bytes > maxBytes) {
      throw new KubentlyError(
        'backend_unavailable',
        `the state backend (Redis at ${where}) is unreachable and the outage buffer is full (${this.#line.length} calls, ${this.#bytes} bytes waiting; limits KUBENTLY_REDIS_OUTAGE_MAX_CALLS=${maxCalls}, KUBENTLY_REDIS_OUTAGE_MAX_BYTES=${maxBytes}); retry shortly`,
        { cause, retryAfterSeconds: 1, details: { waitingCalls: this.#line.length } },
      );
    }
    this.#sequence += 1;
    const ticket: Ticket = {
      sequence: this.#sequence,
      bytes,
      expired: false,
      cancelGrace: () => undefined,
      waiting: undefined,
    };
    ticket.cancelGrace = this.#options.timers.after(graceMs, () => {
      ticket.expired = true;
      if (this.#remove(ticket)) ticket.waiting?.fail(this.#graceOver(cause, 'grace'));
    });
    return ticket;
  }

  async #wait(ticket: Ticket, cause: unknown): Promise<void> {
    if (ticket.expired) throw this.#graceOver(cause, 'grace');
    await new Promise<void>((resolve, reject) => {
      ticket.waiting = { release: resolve, fail: reject };
      // Ordered by first arrival: a call refused again keeps its place.
      const at = this.#line.findIndex((other) => other.sequence > ticket.sequence);
      if (at === -1) this.#line.push(ticket);
      else this.#line.splice(at, 0, ticket);
      this.#bytes += ticket.bytes;
      this.#tick();
    });
    ticket.waiting = undefined;
  }

  #graceOver(cause: unknown, why: 'grace' | 'closing'): KubentlyError {
    const { graceMs, where } = this.#options;
    return new KubentlyError(
      'backend_unavailable',
      why === 'closing'
        ? `the state backend (Redis at ${where}) was unreachable when the server shut down; nothing was written, retry on another replica`
        : `the state backend (Redis at ${where}) stayed unreachable for the whole outage grace (KUBENTLY_REDIS_OUTAGE_GRACE_MS=${graceMs}); nothing was written, retry shortly or check KUBENTLY_REDIS_URL`,
      { cause, retryAfterSeconds: 1 },
    );
  }

  #remove(ticket: Ticket): boolean {
    const index = this.#line.indexOf(ticket);
    if (index === -1) return false;
    this.#line.splice(index, 1);
    this.#bytes -= ticket.bytes;
    return true;
  }

  #releaseAll(): void {
    if (!this.#options.isReady()) return;
    const released = this.#line.splice(0);
    this.#bytes = 0;
    for (const ticket of released) ticket.waiting?.release();
  }

  /** While calls wait, try every `retryIntervalMs` (the `ready` event releases them sooner). */
  #tick(): void {
    if (this.#cancelTick !== undefined) return;
    this.#cancelTick = this.#options.timers.after(this.#options.retryIntervalMs, () => {
      this.#cancelTick = undefined;
      this.#releaseAll();
      if (this.#line.length > 0) this.#tick();
    });
  }
}

/** Listener registrations and `close` never touch Redis: they pass straight through. */
const isLocalMethod = (name: string | symbol): boolean =>
  typeof name === 'string' && (/^on[A-Z]/.test(name) || name === 'close');

const sizeOf = (args: readonly unknown[]): number => {
  try {
    return Buffer.byteLength(JSON.stringify(args));
  } catch {
    return 0;
  }
};

/** A state port whose Redis-touching methods run through the buffer. */
export const bufferPort = <T extends object>(port: T, buffer: OutageBuffer): T =>
  new Proxy(port, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = value as (...parameters: unknown[]) => unknown;
      // Called on the port itself (not this proxy): its private fields are the port's.
      if (isLocalMethod(property)) return (...args: unknown[]): unknown => method.apply(target, args);
      return (...args: unknown[]): unknown =>
        buffer.run(
          () => Promise.resolve(method.apply(target, args)),
          () => sizeOf(args),
        );
    },
  });
