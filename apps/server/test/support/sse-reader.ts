export interface SseEvent {
  readonly event: string | undefined;
  readonly id: string | undefined;
  readonly data: string | undefined;
  readonly comment: string | undefined;
}

/** Reads SSE events one by one from a response body (in-process or over a socket). */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';

  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }

  /** The next event; `undefined` when the stream ended. Rejects after `timeoutMs`. */
  async next(timeoutMs = 5000): Promise<SseEvent | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        return parseBlock(block);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error('no SSE event in time');
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        this.#reader.read(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            reject(new Error('no SSE event in time'));
          }, remaining);
        }),
      ]).finally(() => {
        clearTimeout(timer);
      });
      if (chunk.done) return undefined;
      this.#buffer += this.#decoder.decode(chunk.value, { stream: true });
    }
  }

  /** The next event that is not a keepalive comment or keepalive event. */
  async nextFrame(timeoutMs = 5000): Promise<SseEvent | undefined> {
    for (;;) {
      const event = await this.next(timeoutMs);
      if (event === undefined) return undefined;
      if (event.comment === undefined && event.event !== 'keepalive') return event;
    }
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel();
  }
}

const parseBlock = (block: string): SseEvent => {
  let event: string | undefined;
  let id: string | undefined;
  let data: string | undefined;
  let comment: string | undefined;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) comment = line.slice(1).trim();
    else if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('id: ')) id = line.slice(4);
    else if (line.startsWith('data: '))
      data = data === undefined ? line.slice(6) : `${data}\n${line.slice(6)}`;
  }
  return { event, id, data, comment };
};
