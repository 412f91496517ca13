import { toCommandResponse } from '../commands/command-response.js';
import type { Logger } from '../support/logger.js';
import type { Timers } from '../support/timers.js';
import type { CommandRecord } from '../state/command-store.js';
import type { StateStore } from '../state/state-store.js';
import type { CallbackConfig } from './callback-config.js';
import type { CallbackSender, DeliveryOutcome } from './callback-sender.js';
import { checkCallbackUrl, resolveCallbackTarget } from './callback-target.js';
import type { ResolveHost } from './callback-target.js';

export interface CommandCallbacksOptions {
  readonly config: CallbackConfig;
  readonly state: StateStore;
  readonly sender: CallbackSender;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly resolve: ResolveHost;
  /** How long past its timeout a command may take to end (the server ends it by then). */
  readonly asyncSlackMs: number;
}

interface Pending {
  readonly url: URL;
  readonly cancelBackstop: () => void;
}

/** Extra time past a command's own deadline before the backstop reads the record itself. */
const backstopSlackMs = 5000;

/**
 * Async commands with a `callbackUrl`: when the command ends (result, timeout, executor loss,
 * removal: every command ends, DESIGN §2), its record, as `GET /v1/commands/:id` answers it
 * (redacted the same way), is POSTed signed to the URL. The replica that accepted the command
 * delivers: it subscribes to the store's finished signal (any replica's result wakes it) and, as a
 * backstop for a lost signal, reads the record once after the command's last possible moment. A
 * replica that stops before then does not deliver; the result stays readable by id.
 */
export class CommandCallbacks {
  readonly #options: CommandCallbacksOptions;
  readonly #pending = new Map<string, Pending>();
  readonly #inFlight = new Set<Promise<DeliveryOutcome>>();
  readonly #unsubscribe: () => void;

  constructor(options: CommandCallbacksOptions) {
    this.#options = options;
    this.#unsubscribe = options.state.commands.onFinished((record) => {
      this.#finished(record);
    });
  }

  /**
   * Refuses a URL the server would never deliver to (400 validation_failed naming the fix): no
   * secret configured, wrong scheme, credentials, a host outside the allowlist, or a host that
   * resolves to a refused address now. Delivery checks again before each attempt.
   */
  async accept(raw: string): Promise<URL> {
    const url = checkCallbackUrl(raw, this.#options.config);
    await resolveCallbackTarget(url, this.#options.config, this.#options.resolve);
    return url;
  }

  /** Delivers the command's record to `url` once it ends (at once if it already has). */
  async register(record: CommandRecord, url: URL): Promise<void> {
    const { command } = record;
    const lastMomentMs = command.timeoutSeconds * 1000 + this.#options.asyncSlackMs + backstopSlackMs;
    const cancelBackstop = this.#options.timers.after(lastMomentMs, () => {
      this.#options.state.commands.get(command.id).then(
        (current) => {
          if (current?.finishedAt !== null && current !== null) this.#finished(current);
          else this.#pending.delete(command.id);
        },
        (error: unknown) => {
          this.#options.logger.warn({ err: error, commandId: command.id }, 'callback backstop read failed');
        },
      );
    });
    this.#pending.set(command.id, { url, cancelBackstop });
    // The result may have arrived before this registration: check once now.
    const current = await this.#options.state.commands.get(command.id);
    if (current !== null && current.finishedAt !== null) this.#finished(current);
  }

  /** Stops retries and pending deliveries; waits for attempts under way to end. */
  async close(): Promise<void> {
    this.#unsubscribe();
    for (const pending of this.#pending.values()) pending.cancelBackstop();
    this.#pending.clear();
    this.#options.sender.close();
    await Promise.allSettled([...this.#inFlight]);
  }

  #finished(record: CommandRecord): void {
    const pending = this.#pending.get(record.command.id);
    if (pending === undefined) return;
    this.#pending.delete(record.command.id);
    pending.cancelBackstop();
    const delivery = this.#options.sender.deliver({
      url: pending.url,
      body: JSON.stringify(toCommandResponse(record)),
      contentType: 'application/json',
      headers: { 'x-kubently-event': 'command.finished', 'x-correlation-id': record.command.correlationId },
      subject: { commandId: record.command.id, clusterId: record.command.clusterId },
    });
    this.#inFlight.add(delivery);
    delivery.then(
      () => this.#inFlight.delete(delivery),
      (error: unknown) => {
        this.#inFlight.delete(delivery);
        this.#options.logger.error({ err: error, commandId: record.command.id }, 'callback delivery failed');
      },
    );
  }
}
