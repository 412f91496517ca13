import { pino } from 'pino';

import type { CommandResult } from '@kubently/protocol';

import { createConfig } from '../../src/config.js';
import type { ConfigOverrides } from '../../src/config.js';
import { createApp } from '../../src/http/create-app.js';
import { createServices } from '../../src/services.js';
import type { ServerServices, ServiceOverrides } from '../../src/services.js';
import { SseReader } from './sse-reader.js';

export const keys = {
  admin: 'admin-key-0123456789abcdef',
  operator: 'operator-key-0123456789abcdef',
  viewer: 'viewer-key-0123456789abcdef',
  /** A second operator: another identity with the same role, for ownership and limit tests. */
  partner: 'partner-key-0123456789abcdef',
} as const;

export type KeyName = keyof typeof keys;

export interface CallOptions {
  readonly as?: KeyName | null;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** The app driven in-process with `app.request()` (no socket), short graces, silent logs. */
export const createTestServer = (config: ConfigOverrides = {}, overrides: ServiceOverrides = {}) => {
  const services = createServices(
    createConfig({
      apiKeys: [
        { identity: 'root', key: keys.admin, role: 'admin' },
        { identity: 'oncall', key: keys.operator, role: 'operator' },
        { identity: 'auditor', key: keys.viewer, role: 'viewer' },
        { identity: 'partner', key: keys.partner, role: 'operator' },
      ],
      logLevel: 'silent',
      executorGraceMs: 200,
      redeliveryGraceMs: 300,
      ...config,
    }),
    { logger: pino({ level: 'silent' }), ...overrides },
  );
  const app = createApp(services);

  const call = (method: string, path: string, options: CallOptions = {}): Promise<Response> => {
    const headers: Record<string, string> = { ...options.headers };
    const as = options.as === undefined ? 'admin' : options.as;
    if (as !== null) headers['x-api-key'] = keys[as];
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    return Promise.resolve(app.request(path, { method, headers, ...(body === undefined ? {} : { body }) }));
  };

  const createCluster = async (id = 'prod'): Promise<string> => {
    const response = await call('POST', '/v1/clusters', { body: { id } });
    if (response.status !== 201)
      throw new Error(`creating cluster ${id}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { token: string }).token;
  };

  /** An executor holding `/v1/executor/stream` in-process; `connected` frame already consumed. */
  const connectExecutor = async (
    token: string,
    options: { executorId?: string; lastEventId?: string; path?: string } = {},
  ): Promise<FakeExecutor> => {
    const executorId = options.executorId ?? 'executor-1';
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'x-executor-id': executorId };
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    const response = await app.request(options.path ?? '/v1/executor/stream', { headers });
    if (response.status !== 200 || response.body === null) {
      throw new Error(`stream: ${response.status} ${await response.text()}`);
    }
    const reader = new SseReader(response.body);
    const connected = await reader.nextFrame();
    if (connected?.event !== 'connected') throw new Error('no connected frame');
    return new FakeExecutor(app, token, executorId, reader);
  };

  return { services, app, call, createCluster, connectExecutor, close: () => services.close() };
};

export type TestServer = ReturnType<typeof createTestServer>;

export interface ReceivedCommand {
  readonly id: string;
  readonly args: string[];
  readonly correlationId: string;
  readonly sessionId?: string;
}

export class FakeExecutor {
  readonly #app: ReturnType<typeof createApp>;
  readonly #token: string;
  readonly executorId: string;
  readonly reader: SseReader;

  constructor(app: ReturnType<typeof createApp>, token: string, executorId: string, reader: SseReader) {
    this.#app = app;
    this.#token = token;
    this.executorId = executorId;
    this.reader = reader;
  }

  async nextCommand(timeoutMs = 5000): Promise<ReceivedCommand> {
    const frame = await this.reader.nextFrame(timeoutMs);
    if (frame?.event !== 'command' || frame.data === undefined)
      throw new Error(`expected a command, got ${JSON.stringify(frame)}`);
    const parsed = JSON.parse(frame.data) as { command: ReceivedCommand };
    if (frame.id !== parsed.command.id) throw new Error('SSE id differs from the command id');
    return parsed.command;
  }

  async postResult(commandId: string, overrides: Partial<CommandResult> = {}): Promise<Response> {
    const result: CommandResult = {
      commandId,
      exitCode: 0,
      stdout: `ran ${commandId}`,
      stderr: '',
      durationMs: 4,
      truncated: false,
      redactions: 0,
      executorId: this.executorId,
      ...overrides,
    };
    return this.#app.request('/v1/executor/results', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.#token}`,
        'x-executor-id': this.executorId,
        'content-type': 'application/json',
      },
      body: JSON.stringify(result),
    });
  }

  async disconnect(): Promise<void> {
    await this.reader.cancel();
  }
}

/** Resolves on the next macrotask turn (lets queued deliveries run). */
export const tick = (ms = 0): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

export type { ServerServices };
