import type { Command, ExecutorFrame } from '@kubently/protocol';

import type { ExecutorLink, SessionNotice } from '../../executors/executor-link.js';

export interface PollLinkOptions {
  readonly clusterId: string;
  readonly executorId: string;
  readonly waitMs: number;
  readonly onClosed: (link: PollLink) => void;
}

/**
 * One long-poll request as a link: it collects the frames delivered in the same turn of the event
 * loop and answers with them, or with none after `waitMs`.
 */
export class PollLink implements ExecutorLink {
  readonly transport = 'poll';
  readonly clusterId: string;
  readonly executorId: string;
  readonly answer: Promise<ExecutorFrame[]>;
  readonly #frames: ExecutorFrame[] = [];
  readonly #options: PollLinkOptions;
  readonly #timer: NodeJS.Timeout;
  #resolve: ((frames: ExecutorFrame[]) => void) | undefined;
  #open = true;
  #scheduled = false;

  constructor(options: PollLinkOptions) {
    this.#options = options;
    this.clusterId = options.clusterId;
    this.executorId = options.executorId;
    this.answer = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    this.#timer = setTimeout(() => {
      this.close();
    }, options.waitMs);
  }

  get isOpen(): boolean {
    return this.#open;
  }

  sendCommands(commands: readonly Command[]): void {
    for (const command of commands) this.#frames.push({ type: 'command', command });
    this.#schedule();
  }

  sendNotice(frame: SessionNotice): void {
    this.#frames.push(frame);
    this.#schedule();
  }

  /** Long-poll answers never carry `cancel` (an older executor would reject the whole batch). */
  sendCancel(): void {
    // Dropped: a polling executor runs the command to its own timeout.
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    clearTimeout(this.#timer);
    this.#options.onClosed(this);
    this.#resolve?.(this.#frames);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.close();
    });
  }
}
