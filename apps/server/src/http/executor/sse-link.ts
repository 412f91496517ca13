import type { CancelFrame, Command, ConnectedFrame } from '@kubently/protocol';

import type { ExecutorLink, SessionNotice } from '../../executors/executor-link.js';
import type { SseDialect } from './sse-dialect.js';

export interface SseLinkOptions {
  readonly clusterId: string;
  readonly executorId: string;
  readonly dialect: SseDialect;
  readonly connected: ConnectedFrame;
  readonly keepaliveMs: number;
  readonly now: () => string;
  readonly onKeepalive: (link: SseLink) => void;
  /** Called once, when the stream ends for any reason (client gone, server close). */
  readonly onClosed: (link: SseLink) => void;
}

const encoder = new TextEncoder();

/** One executor's `text/event-stream`: the connected frame first, then commands, notices, keepalives. */
export class SseLink implements ExecutorLink {
  readonly transport = 'sse';
  readonly clusterId: string;
  readonly executorId: string;
  readonly stream: ReadableStream<Uint8Array>;
  readonly #options: SseLinkOptions;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #keepalive: NodeJS.Timeout | undefined;
  #open = true;

  constructor(options: SseLinkOptions) {
    this.#options = options;
    this.clusterId = options.clusterId;
    this.executorId = options.executorId;
    this.stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#controller = controller;
        controller.enqueue(encoder.encode(options.dialect.connected(options.connected)));
      },
      cancel: () => {
        this.#finish();
      },
    });
    this.#keepalive = setInterval(() => {
      this.#write(options.dialect.keepalive(options.now()));
      options.onKeepalive(this);
    }, options.keepaliveMs);
    this.#keepalive.unref();
  }

  get isOpen(): boolean {
    return this.#open;
  }

  sendCommands(commands: readonly Command[]): void {
    for (const command of commands) this.#write(this.#options.dialect.command(command));
  }

  sendNotice(frame: SessionNotice): void {
    const text = this.#options.dialect.notice(frame);
    if (text !== null) this.#write(text);
  }

  sendCancel(frame: CancelFrame): void {
    const text = this.#options.dialect.cancel(frame);
    if (text !== null) this.#write(text);
  }

  close(): void {
    if (!this.#open) return;
    try {
      this.#controller?.close();
    } catch {
      // Already closed by the reader side.
    }
    this.#finish();
  }

  #write(text: string): void {
    if (!this.#open || this.#controller === undefined) return;
    try {
      this.#controller.enqueue(encoder.encode(text));
    } catch {
      this.#finish();
    }
  }

  #finish(): void {
    if (!this.#open) return;
    this.#open = false;
    clearInterval(this.#keepalive);
    this.#options.onClosed(this);
  }
}
