/**
 * A fake LLM provider HTTP server for tests without a reachable model. It speaks the real wire
 * formats, so the real `@ai-sdk/openai`, `@ai-sdk/openai-compatible` and `@ai-sdk/anthropic`
 * providers run end to end against it through their base URL:
 *
 * - OpenAI Chat Completions: `POST {baseUrl}/chat/completions`, streaming (SSE `data:` chunks with
 *   `delta.content`, `delta.tool_calls`, `finish_reason`, a final usage chunk, `data: [DONE]`) and
 *   non-streaming JSON.
 * - Anthropic Messages: `POST {baseUrl}/messages`, streaming (`message_start`,
 *   `content_block_start`/`_delta` (`text_delta`, `input_json_delta`)/`_stop`, `message_delta`,
 *   `message_stop`) and non-streaming JSON.
 *
 * Each request takes the next scripted turn (one list shared by both formats) and is recorded with
 * its headers and parsed JSON body, so tests assert on the tools offered, the tool results sent back
 * and the API key header. Usage:
 *
 * ```ts
 * const fake = await startFakeProvider([
 *   { toolCalls: [{ id: 'call_1', name: 'execute_kubectl', args: { args: ['get', 'pods'] } }] },
 *   { text: '**Root cause:** ...' },
 * ]);
 * const env = { KUBENTLY_LLM_PROVIDER: 'openai', OPENAI_API_KEY: 'k', KUBENTLY_LLM_BASE_URL: fake.baseUrl };
 * // ... run, then: fake.requests[1].body, fake.requests[0].headers.authorization
 * await fake.close();
 * ```
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeToolCall {
  readonly id: string;
  readonly name: string;
  /** Serialized as JSON and streamed in several argument fragments. */
  readonly args: unknown;
}

export interface FakeTurn {
  /** Streamed word by word. */
  readonly text?: string;
  readonly toolCalls?: readonly FakeToolCall[];
  /** Default input 50, output 10. */
  readonly usage?: { readonly input: number; readonly output: number };
  /** Answer with this HTTP status and the provider's error body instead of a completion. */
  readonly errorStatus?: number;
  readonly errorMessage?: string;
  /** Stream the text, then keep the response open until the client disconnects (cancel tests). */
  readonly holdOpen?: boolean;
}

export type FakeWire = 'openai-chat' | 'anthropic-messages';

export interface RecordedRequest {
  readonly wire: FakeWire;
  readonly method: string;
  readonly path: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Record<string, unknown>;
  /** Set when the client closed the connection before the response ended. */
  isAborted: boolean;
}

export interface FakeProvider {
  /** `http://127.0.0.1:PORT/v1`: pass as KUBENTLY_LLM_BASE_URL (or a provider's baseURL). */
  readonly baseUrl: string;
  readonly requests: RecordedRequest[];
  /** Turns not consumed yet. */
  remaining(): number;
  close(): Promise<void>;
}

export type FakeScript = readonly FakeTurn[] | ((request: RecordedRequest, index: number) => FakeTurn);

const model = 'fake-model';

function words(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [text];
}

function fragments(json: string): string[] {
  const size = Math.max(1, Math.ceil(json.length / 3));
  const out: string[] = [];
  for (let index = 0; index < json.length; index += size) out.push(json.slice(index, index + size));
  return out.length === 0 ? [''] : out;
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const parsed: unknown = text === '' ? {} : JSON.parse(text);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function sse(response: ServerResponse): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
}

function holdUntilClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) =>
    response.on('close', () => {
      resolve();
    }),
  );
}

async function openaiChat(
  response: ServerResponse,
  turn: FakeTurn,
  isStream: boolean,
  index: number,
): Promise<void> {
  const id = `chatcmpl-${index}`;
  const created = 1_700_000_000;
  const calls = turn.toolCalls ?? [];
  const finish = calls.length > 0 ? 'tool_calls' : 'stop';
  const usage = { prompt_tokens: turn.usage?.input ?? 50, completion_tokens: turn.usage?.output ?? 10 };
  const usageBody = { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
  if (!isStream) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: turn.text ?? null,
              ...(calls.length === 0
                ? {}
                : {
                    tool_calls: calls.map((call) => ({
                      id: call.id,
                      type: 'function',
                      function: { name: call.name, arguments: JSON.stringify(call.args) },
                    })),
                  }),
            },
            finish_reason: finish,
          },
        ],
        usage: usageBody,
      }),
    );
    return;
  }
  sse(response);
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): void => {
    response.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`,
    );
  };
  chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
  for (const word of turn.text === undefined ? [] : words(turn.text)) {
    chunk([{ index: 0, delta: { content: word }, finish_reason: null }]);
  }
  if (turn.holdOpen === true) return holdUntilClosed(response);
  calls.forEach((call, callIndex) => {
    chunk([
      {
        index: 0,
        delta: {
          tool_calls: [
            { index: callIndex, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
          ],
        },
        finish_reason: null,
      },
    ]);
    for (const part of fragments(JSON.stringify(call.args))) {
      chunk([
        {
          index: 0,
          delta: { tool_calls: [{ index: callIndex, function: { arguments: part } }] },
          finish_reason: null,
        },
      ]);
    }
  });
  chunk([{ index: 0, delta: {}, finish_reason: finish }]);
  chunk([], { usage: usageBody });
  response.end('data: [DONE]\n\n');
}

async function anthropicMessages(
  response: ServerResponse,
  turn: FakeTurn,
  isStream: boolean,
  index: number,
): Promise<void> {
  const id = `msg_${index}`;
  const calls = turn.toolCalls ?? [];
  const stopReason = calls.length > 0 ? 'tool_use' : 'end_turn';
  const input = turn.usage?.input ?? 50;
  const output = turn.usage?.output ?? 10;
  if (!isStream) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [
          ...(turn.text === undefined ? [] : [{ type: 'text', text: turn.text }]),
          ...calls.map((call) => ({ type: 'tool_use', id: call.id, name: call.name, input: call.args })),
        ],
        stop_reason: stopReason,
        stop_sequence: null,
        usage: { input_tokens: input, output_tokens: output },
      }),
    );
    return;
  }
  sse(response);
  const event = (name: string, data: Record<string, unknown>): void => {
    response.write(`event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`);
  };
  event('message_start', {
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: input, output_tokens: 1 },
    },
  });
  let block = 0;
  if (turn.text !== undefined) {
    event('content_block_start', { index: block, content_block: { type: 'text', text: '' } });
    for (const word of words(turn.text))
      event('content_block_delta', { index: block, delta: { type: 'text_delta', text: word } });
    if (turn.holdOpen === true) return holdUntilClosed(response);
    event('content_block_stop', { index: block });
    block += 1;
  }
  for (const call of calls) {
    event('content_block_start', {
      index: block,
      content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
    });
    for (const part of fragments(JSON.stringify(call.args))) {
      event('content_block_delta', { index: block, delta: { type: 'input_json_delta', partial_json: part } });
    }
    event('content_block_stop', { index: block });
    block += 1;
  }
  event('message_delta', {
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: output },
  });
  event('message_stop', {});
  response.end();
}

function sendError(response: ServerResponse, wire: FakeWire, status: number, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify(
      wire === 'openai-chat'
        ? {
            error: {
              message,
              type: status === 401 ? 'invalid_request_error' : 'server_error',
              code: status === 401 ? 'invalid_api_key' : null,
            },
          }
        : { type: 'error', error: { type: status === 401 ? 'authentication_error' : 'api_error', message } },
    ),
  );
}

/** Starts the fake provider on 127.0.0.1 with an OS-assigned port. */
export async function startFakeProvider(script: FakeScript): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  let next = 0;
  const take = (recorded: RecordedRequest): FakeTurn | undefined => {
    const index = next;
    next += 1;
    return typeof script === 'function' ? script(recorded, index) : script[index];
  };
  const server = createServer((request, response) => {
    void (async () => {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      const wire: FakeWire | null =
        request.method === 'POST' && path === '/v1/chat/completions'
          ? 'openai-chat'
          : request.method === 'POST' && path === '/v1/messages'
            ? 'anthropic-messages'
            : null;
      if (wire === null) {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `no route for ${request.method ?? ''} ${path}` } }));
        return;
      }
      const recorded: RecordedRequest = {
        wire,
        method: request.method ?? '',
        path,
        headers: headersOf(request),
        body: await readBody(request),
        isAborted: false,
      };
      requests.push(recorded);
      response.on('close', () => {
        if (!response.writableFinished) recorded.isAborted = true;
      });
      const turn = take(recorded);
      if (turn === undefined) {
        sendError(response, wire, 500, `the fake provider script has no turn ${requests.length}`);
        return;
      }
      if (turn.errorStatus !== undefined) {
        sendError(response, wire, turn.errorStatus, turn.errorMessage ?? 'scripted failure');
        return;
      }
      const isStream = recorded.body.stream === true;
      await (wire === 'openai-chat'
        ? openaiChat(response, turn, isStream, requests.length)
        : anthropicMessages(response, turn, isStream, requests.length));
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    remaining: () =>
      typeof script === 'function' ? Number.POSITIVE_INFINITY : Math.max(0, script.length - next),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error === undefined) resolve();
          else reject(error);
        });
      }),
  };
}
