import { errorBodySchema, headers, longPollResponseSchema, resultAckSchema } from '@kubently/protocol';
import type { CommandResult, ExecutorCapabilities, LongPollResponse, ResultAck } from '@kubently/protocol';

import { KubentlyError } from '../executor-error.js';

export interface ServerClientOptions {
  readonly apiUrl: string;
  readonly clusterId: string;
  readonly token: string;
  readonly executorId: string;
  readonly fetch: typeof fetch;
  /** W3C `traceparent` for a command's result post (tracing on), or undefined. */
  readonly traceparentOf?: ((commandId: string) => string | undefined) | undefined;
}

/**
 * How a result post ended: acked, or refused for good (the executor stops retrying). A 413 names
 * the server's limit when its answer said it (`details.limitBytes`).
 */
export type PostResultOutcome =
  | { readonly type: 'acked'; readonly ack: ResultAck }
  | {
      readonly type: 'rejected';
      readonly status: number;
      readonly body: string;
      readonly limitBytes: number | null;
    };

/** Thrown for answers worth retrying: network errors, 5xx, 408, 429. */
export class RetryableError extends KubentlyError {
  constructor(message: string, cause?: unknown) {
    super('backend_unavailable', message, cause === undefined ? undefined : { cause });
  }
}

/** The executor's HTTP calls to the server (relay-wire.md). Every call carries the cluster token. */
export class ServerClient {
  readonly #options: ServerClientOptions;
  #maxResultBytes: number | null = null;

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

  /**
   * The largest result body the server accepts, as its last `connected` frame or long-poll answer
   * said; null when it did not say (a server before the field).
   */
  get maxResultBytes(): number | null {
    return this.#maxResultBytes;
  }

  learnResultLimit(bytes: number | undefined): void {
    this.#maxResultBytes = bytes ?? null;
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
    const answer = longPollResponseSchema.parse(await response.json());
    this.learnResultLimit(answer.maxResultBytes);
    return answer;
  }

  async postCapabilities(capabilities: ExecutorCapabilities, signal: AbortSignal): Promise<void> {
    const response = await this.#request('/v1/executor/capabilities', {
      method: 'POST',
      headers: this.#headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(capabilities),
      signal,
    });
    if (!response.ok) throw await errorFrom(response, 'reporting capabilities');
    await response.body?.cancel();
  }

  async postResult(result: CommandResult, signal: AbortSignal): Promise<PostResultOutcome> {
    const traceparent = this.#options.traceparentOf?.(result.commandId);
    const response = await this.#request('/v1/executor/results', {
      method: 'POST',
      headers: this.#headers({
        'content-type': 'application/json',
        ...(traceparent === undefined ? {} : { [headers.traceparent]: traceparent }),
      }),
      body: JSON.stringify(result),
      signal,
    });
    if (response.ok) return { type: 'acked', ack: resultAckSchema.parse(await response.json()) };
    const text = await response.text().catch(() => '');
    const error = errorOf(response.status, text, 'posting a result');
    if (error instanceof RetryableError) throw error;
    return { type: 'rejected', status: response.status, body: error.message, limitBytes: limitOf(text) };
  }
}

async function errorFrom(response: Response, doing: string): Promise<KubentlyError> {
  return errorOf(response.status, await response.text().catch(() => ''), doing);
}

function errorOf(status: number, text: string, doing: string): KubentlyError {
  const message = `server answered ${status} while ${doing}: ${text.slice(0, 500)}`;
  if (status >= 500 || status === 408 || status === 429) return new RetryableError(message);
  const code =
    status === 401
      ? 'unauthorized'
      : status === 403
        ? 'forbidden'
        : status === 409
          ? 'conflict'
          : status === 413
            ? 'payload_too_large'
            : status === 410
              ? 'cluster_removed'
              : 'bad_request';
  return new KubentlyError(code, message, { details: { status } });
}

/** `details.limitBytes` of a Kubently error answer (413), when there is one. */
function limitOf(text: string): number | null {
  try {
    const limit = errorBodySchema.parse(JSON.parse(text)).error.details?.['limitBytes'];
    return typeof limit === 'number' && Number.isInteger(limit) && limit > 0 ? limit : null;
  } catch {
    return null;
  }
}

/** One line for logs: the message and, when there is one, the cause's message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}
