import { headers, longPollResponseSchema, resultAckSchema } from '@kubently/protocol';
import type { CommandResult, ExecutorCapabilities, LongPollResponse, ResultAck } from '@kubently/protocol';

import { KubentlyError } from '../executor-error.js';

export interface ServerClientOptions {
  readonly apiUrl: string;
  readonly clusterId: string;
  readonly token: string;
  readonly executorId: string;
  readonly fetch: typeof fetch;
}

/** How a result post ended: acked, or refused for good (the executor stops retrying). */
export type PostResultOutcome =
  | { readonly type: 'acked'; readonly ack: ResultAck }
  | { readonly type: 'rejected'; readonly status: number; readonly body: string };

/** Thrown for answers worth retrying: network errors, 5xx, 408, 429. */
export class RetryableError extends KubentlyError {
  constructor(message: string, cause?: unknown) {
    super('backend_unavailable', message, cause === undefined ? undefined : { cause });
  }
}

/** The executor's HTTP calls to the server (relay-wire.md). Every call carries the cluster token. */
export class ServerClient {
  readonly #options: ServerClientOptions;

  constructor(options: ServerClientOptions) {
    this.#options = options;
  }

  #headers(extra?: Record<string, string>): Record<string, string> {
    return {
      [headers.authorization]: `Bearer ${this.#options.token}`,
      [headers.clusterId]: this.#options.clusterId,
      [headers.executorId]: this.#options.executorId,
      ...extra,
    };
  }

  async #request(path: string, init: RequestInit): Promise<Response> {
    try {
      return await this.#options.fetch(`${this.#options.apiUrl}${path}`, init);
    } catch (cause) {
      if (init.signal?.aborted === true) throw cause;
      throw new RetryableError(`cannot reach ${this.#options.apiUrl}${path}: ${describeError(cause)}`, cause);
    }
  }

  /** Opens the SSE stream; the caller reads `body`. Non-2xx answers throw with the server's message. */
  async openStream(lastEventId: string | null, signal: AbortSignal): Promise<Response> {
    const extra: Record<string, string> = { accept: 'text/event-stream' };
    if (lastEventId !== null) extra[headers.lastEventId] = lastEventId;
    const response = await this.#request('/v1/executor/stream', { headers: this.#headers(extra), signal });
    if (!response.ok) throw await errorFrom(response, 'opening the command stream');
    return response;
  }

  async poll(waitSeconds: number, signal: AbortSignal): Promise<LongPollResponse> {
    const response = await this.#request(`/v1/executor/commands?wait=${waitSeconds}`, {
      headers: this.#headers(),
      signal,
    });
    if (!response.ok) throw await errorFrom(response, 'long-polling for commands');
    return longPollResponseSchema.parse(await response.json());
  }

  async postCapabilities(capabilities: ExecutorCapabilities, signal: AbortSignal): Promise<void> {
    const response = await this.#request('/v1/executor/capabilities', {
      method: 'POST',
      headers: this.#headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(capabilities),
      signal,
    });
    await response.body?.cancel();
    if (!response.ok) throw await errorFrom(response, 'reporting capabilities');
  }

  async postResult(result: CommandResult, signal: AbortSignal): Promise<PostResultOutcome> {
    const response = await this.#request('/v1/executor/results', {
      method: 'POST',
      headers: this.#headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(result),
      signal,
    });
    if (response.ok) return { type: 'acked', ack: resultAckSchema.parse(await response.json()) };
    const error = await errorFrom(response, 'posting a result');
    if (error instanceof RetryableError) throw error;
    return { type: 'rejected', status: response.status, body: error.message };
  }
}

async function errorFrom(response: Response, doing: string): Promise<KubentlyError> {
  const text = await response.text().catch(() => '');
  const message = `server answered ${response.status} while ${doing}: ${text.slice(0, 500)}`;
  if (response.status >= 500 || response.status === 408 || response.status === 429)
    return new RetryableError(message);
  const code =
    response.status === 401 ? 'unauthorized' : response.status === 403 ? 'forbidden' : 'bad_request';
  return new KubentlyError(code, message, { details: { status: response.status } });
}

/** One line for logs: the message and, when there is one, the cause's message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
