import { randomBytes } from 'node:crypto';

import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { MockLanguageModelV3, convertArrayToReadableStream } from 'ai/test';
import { pino } from 'pino';

import { createConfig, start } from '@kubently/server';
import type { ConfigOverrides, RunningServer as InProcessServer, ServiceOverrides } from '@kubently/server';

import { createFakeKubectl } from '../../fixtures/fake-kubectl.js';
import type { FakeKubectl } from '../../fixtures/fake-kubectl.js';
import { Api, startExecutor } from './kubently.js';
import type { Spawned } from './processes.js';

export const agentKeys = {
  admin: `admin-${randomBytes(16).toString('hex')}`,
  operator: `operator-${randomBytes(16).toString('hex')}`,
  viewer: `viewer-${randomBytes(16).toString('hex')}`,
} as const;

/** One scripted model reply: optional text (streamed word by word), then optional tool calls. */
export interface ModelTurn {
  readonly text?: string;
  readonly toolCalls?: readonly { readonly id: string; readonly name: string; readonly input: unknown }[];
}

/** A turn given as data or computed from the prompt (e.g. from the previous tool result). */
export type ModelStep = ModelTurn | ((options: LanguageModelV3CallOptions) => ModelTurn);

const streamParts = (turn: ModelTurn): LanguageModelV3StreamPart[] => {
  const out: LanguageModelV3StreamPart[] = [{ type: 'stream-start', warnings: [] }];
  if (turn.text !== undefined) {
    out.push({ type: 'text-start', id: 't' });
    for (const word of turn.text.match(/\S+\s*/g) ?? [])
      out.push({ type: 'text-delta', id: 't', delta: word });
    out.push({ type: 'text-end', id: 't' });
  }
  for (const call of turn.toolCalls ?? []) {
    out.push({
      type: 'tool-call',
      toolCallId: call.id,
      toolName: call.name,
      input: JSON.stringify(call.input),
    });
  }
  const toolCalls = (turn.toolCalls ?? []).length > 0;
  out.push({
    type: 'finish',
    finishReason: { unified: toolCalls ? 'tool-calls' : 'stop', raw: undefined },
    usage: {
      inputTokens: { total: 100, noCache: 100, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: 20, text: 20, reasoning: 0 },
    },
  });
  return out;
};

/**
 * A scripted language model whose script each test replaces (the server is started once). Running
 * out of turns fails the model call, which the agent reports as a model_error.
 */
export const programmableModel = () => {
  let steps: readonly ModelStep[] = [];
  let index = 0;
  const calls: LanguageModelV3CallOptions[] = [];
  const model = new MockLanguageModelV3({
    provider: 'scripted',
    modelId: 'scripted-1',
    doStream: (options) => {
      calls.push(options);
      const step = steps[index];
      index += 1;
      if (step === undefined) throw new Error(`the scripted model has only ${steps.length} turns`);
      const turn = typeof step === 'function' ? step(options) : step;
      return Promise.resolve({ stream: convertArrayToReadableStream(streamParts(turn)) });
    },
  });
  return {
    model,
    calls,
    script(next: readonly ModelStep[]): void {
      steps = next;
      index = 0;
      calls.length = 0;
    },
  };
};

/** The text of every tool result in a model call's prompt, in order. */
export const toolResultTexts = (options: LanguageModelV3CallOptions): string[] => {
  const texts: string[] = [];
  for (const message of options.prompt) {
    if (message.role !== 'tool') continue;
    for (const part of message.content) {
      if (part.type !== 'tool-result') continue;
      texts.push(JSON.stringify(part.output));
    }
  }
  return texts;
};

/**
 * The kubectl test double that also answers `get <kind> -o json` with lists (one crash-looping pod
 * `checkout-7d9` in `shop`), so the diagnosis engine has something to diagnose.
 */
export const createListingKubectl = (): FakeKubectl => createFakeKubectl('fake-kubectl-lists.mjs');

export interface AgentKubently {
  readonly url: string;
  readonly server: InProcessServer;
  readonly api: Api;
  readonly kubectl: FakeKubectl;
  readonly executor: Spawned | null;
  close(): Promise<void>;
}

/**
 * The server in-process (so a test can inject the model) listening on a loopback port, with
 * cluster `clusterId` served by the built executor running the kubectl test double.
 */
export const startAgentKubently = async (options: {
  readonly clusterId?: string | null;
  readonly config?: ConfigOverrides;
  readonly overrides?: ServiceOverrides;
  readonly kubectl?: FakeKubectl;
}): Promise<AgentKubently> => {
  const server = await start(
    createConfig({
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      executorGraceMs: 3000,
      apiKeys: [
        { identity: 'orchestrator', key: agentKeys.admin, role: 'admin' },
        { identity: 'oncall', key: agentKeys.operator, role: 'operator' },
        { identity: 'auditor', key: agentKeys.viewer, role: 'viewer' },
      ],
      ...options.config,
    }),
    { logger: pino({ level: 'silent' }), ...options.overrides },
  );
  const api = new Api(server.url, agentKeys.admin);
  const kubectl = options.kubectl ?? createFakeKubectl();
  const clusterId = options.clusterId === undefined ? 'prod' : options.clusterId;
  let executor: Spawned | null = null;
  if (clusterId !== null) {
    const token = await api.addCluster(clusterId);
    executor = startExecutor({ apiUrl: server.url, clusterId, token, kubectl });
    await api.waitForExecutors(clusterId);
  }
  return {
    url: server.url,
    server,
    api,
    kubectl,
    executor,
    close: async () => {
      await executor?.stop();
      await server.close();
    },
  };
};
