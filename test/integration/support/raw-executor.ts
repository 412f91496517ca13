import { randomUUID } from 'node:crypto';

import { createParser } from 'eventsource-parser';
import type { EventSourceMessage } from 'eventsource-parser';

/** A hand-driven executor connection (no executor process) to check the server's side of the wire. */
export class RawStream {
  readonly events: EventSourceMessage[] = [];
  readonly response: Response;
  readonly #abort: AbortController;
  readonly #waiters = new Set<() => void>();

  private constructor(response: Response, abort: AbortController) {
    this.response = response;
    this.#abort = abort;
  }

  static async open(options: {
    url: string;
    token: string;
    executorId: string;
    lastEventId?: string;
  }): Promise<RawStream> {
    const abort = new AbortController();
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.token}`,
      'x-executor-id': options.executorId,
    };
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    const response = await fetch(`${options.url}/v1/executor/stream`, { headers, signal: abort.signal });
    const stream = new RawStream(response, abort);
    void stream.#read();
    return stream;
  }

  async #read(): Promise<void> {
    const parser = createParser({
      onEvent: (event) => {
        this.events.push(event);
        this.#waiters.forEach((wake) => {
          wake();
        });
      },
    });
    try {
      const reader = this.response.body!.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) return;
        parser.feed(chunk.value);
      }
    } catch {
      // closed by us
    }
  }

  async waitForEvent(
    predicate: (event: EventSourceMessage) => boolean,
    timeoutMs = 15_000,
  ): Promise<EventSourceMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no matching event; got ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.#waiters.delete(wake);
          resolve();
        };
        this.#waiters.add(wake);
        setTimeout(wake, 100);
      });
    }
  }

  close(): void {
    this.#abort.abort();
  }
}

export const newExecutorId = (): string => randomUUID();
