import {
  createAgent,
  createMemoryConversationStore,
  createModelFromConfig,
  parseAgentConfig,
} from '@kubently/agent';
import type { AgentEvent, AgentEnvironment } from '@kubently/agent';
import { afterEach, describe, expect, it } from 'vitest';

import { fakeGateway, ok } from './support/fake-gateway.js';
import { startFakeProvider } from './support/fake-provider.js';
import type { FakeProvider, FakeTurn, RecordedRequest } from './support/fake-provider.js';

let fake: FakeProvider | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const pods = 'NAME    READY   STATUS             RESTARTS\nweb-1   0/1     CrashLoopBackOff   7\n';
const script: FakeTurn[] = [
  {
    text: 'Looking at the pods.',
    toolCalls: [
      { id: 'call_1', name: 'execute_kubectl', args: { args: ['get', 'pods'], namespace: 'shop' } },
    ],
    usage: { input: 120, output: 15 },
  },
  { text: '**Root cause:** web-1 is crash-looping.', usage: { input: 200, output: 25 } },
];

async function runWith(
  env: AgentEnvironment,
  turns: FakeTurn[] = script,
  signal?: AbortSignal,
  onEvent?: (event: AgentEvent) => void,
) {
  fake = await startFakeProvider(turns);
  const config = parseAgentConfig({ ...env, KUBENTLY_LLM_BASE_URL: fake.baseUrl });
  const { gateway, runs } = fakeGateway({ kubectl: () => ok(pods) });
  const agent = createAgent({
    config,
    model: createModelFromConfig(config.model!),
    gateway,
    conversations: createMemoryConversationStore(),
  });
  const events: AgentEvent[] = [];
  const last = await agent.run({
    question: 'why is web down?',
    conversationId: 'c',
    clusterId: 'dev',
    ...(signal === undefined ? {} : { signal }),
    onEvent: (event) => {
      events.push(event);
      onEvent?.(event);
    },
  });
  return { last, events, runs, requests: fake.requests };
}

function toolNamesOffered(request: RecordedRequest): string[] {
  const tools = request.body.tools as { name?: string; function?: { name: string } }[];
  return tools.map((tool) => tool.function?.name ?? tool.name ?? '').sort();
}

const allTools = ['execute_kubectl', 'get_events', 'list_clusters', 'search_logs', 'todo_read', 'todo_write'];

describe('real providers against the fake provider server', () => {
  it('@ai-sdk/openai (Chat Completions, streaming) runs the loop end to end', async () => {
    const { last, events, runs, requests } = await runWith({
      KUBENTLY_LLM_PROVIDER: 'openai',
      OPENAI_API_KEY: 'sk-test-openai',
      KUBENTLY_LLM_MODEL: 'gpt-test',
    });
    expect(last).toMatchObject({
      type: 'final',
      answer: '**Root cause:** web-1 is crash-looping.',
      steps: 2,
      usage: { inputTokens: 320, outputTokens: 40, totalTokens: 360 },
    });
    expect(runs.map((run) => run.args)).toEqual([['get', 'pods', '--namespace=shop']]);
    expect(requests).toHaveLength(2);
    const [first, second] = requests;
    expect(first!.path).toBe('/v1/chat/completions');
    expect(first!.headers.authorization).toBe('Bearer sk-test-openai');
    expect(first!.body).toMatchObject({ model: 'gpt-test', stream: true });
    expect(toolNamesOffered(first!)).toEqual(allTools);
    const execute = (
      first!.body.tools as { function: { name: string; parameters: { required?: string[] } } }[]
    ).find((tool) => tool.function.name === 'execute_kubectl');
    expect(execute!.function.parameters.required).toEqual(['args']);
    const messages = second!.body.messages as {
      role: string;
      content?: unknown;
      tool_call_id?: string;
      tool_calls?: unknown[];
    }[];
    expect(messages[0]!.role).toBe('system');
    const assistant = messages.find((message) => message.role === 'assistant');
    expect(assistant!.tool_calls).toEqual([
      {
        id: 'call_1',
        type: 'function',
        function: { name: 'execute_kubectl', arguments: '{"args":["get","pods"],"namespace":"shop"}' },
      },
    ]);
    const toolMessage = messages.find((message) => message.role === 'tool');
    expect(toolMessage!.tool_call_id).toBe('call_1');
    expect(String(toolMessage!.content)).toContain('CrashLoopBackOff');
    expect(String(toolMessage!.content)).toContain('"ok":true');
    expect(events.filter((event) => event.type === 'text-delta').length).toBeGreaterThan(4);
    expect(events.filter((event) => event.type === 'tool-call-finished')).toMatchObject([
      { id: 'call_1', outcome: 'ok' },
    ]);
  });

  it('@ai-sdk/anthropic (Messages, streaming with input_json_delta) runs the loop end to end', async () => {
    const turns: FakeTurn[] = [
      {
        text: 'Checking.',
        toolCalls: [
          { id: 'toolu_1', name: 'execute_kubectl', args: { args: ['get', 'pods'], namespace: 'shop' } },
        ],
        usage: { input: 300, output: 30 },
      },
      { text: '**Root cause:** web-1 is crash-looping.', usage: { input: 400, output: 40 } },
    ];
    const { last, runs, requests } = await runWith(
      {
        KUBENTLY_LLM_PROVIDER: 'anthropic',
        ANTHROPIC_API_KEY: 'sk-ant-test',
        KUBENTLY_LLM_MODEL: 'claude-test',
      },
      turns,
    );
    expect(last).toMatchObject({
      type: 'final',
      answer: '**Root cause:** web-1 is crash-looping.',
      steps: 2,
      usage: { inputTokens: 700, outputTokens: 70 },
    });
    expect(runs).toHaveLength(1);
    const [first, second] = requests;
    expect(first!.path).toBe('/v1/messages');
    expect(first!.headers['x-api-key']).toBe('sk-ant-test');
    expect(first!.headers['anthropic-version']).toBeDefined();
    expect(first!.body).toMatchObject({ model: 'claude-test', stream: true });
    expect(typeof first!.body.system === 'string' || Array.isArray(first!.body.system)).toBe(true);
    expect(JSON.stringify(first!.body.system)).toContain('Crash-looping pods are in phase Running');
    expect(toolNamesOffered(first!)).toEqual(allTools);
    const messages = second!.body.messages as {
      role: string;
      content: { type: string; tool_use_id?: string; content?: unknown; input?: unknown }[];
    }[];
    const toolUse = messages.flatMap((message) => message.content).find((part) => part.type === 'tool_use');
    expect(toolUse!.input).toEqual({ args: ['get', 'pods'], namespace: 'shop' });
    const toolResult = messages
      .flatMap((message) => message.content)
      .find((part) => part.type === 'tool_result');
    expect(toolResult!.tool_use_id).toBe('toolu_1');
    expect(JSON.stringify(toolResult!.content)).toContain('CrashLoopBackOff');
  });

  it('@ai-sdk/openai-compatible (a local model such as Ollama, no key) runs the loop end to end', async () => {
    const { last, requests } = await runWith({
      KUBENTLY_LLM_PROVIDER: 'openai-compatible',
      KUBENTLY_LLM_MODEL: 'llama3.1',
    });
    expect(last).toMatchObject({
      type: 'final',
      answer: '**Root cause:** web-1 is crash-looping.',
      usage: { inputTokens: 320, outputTokens: 40 },
    });
    expect(requests[0]!.headers.authorization).toBeUndefined();
    expect(requests[0]!.body).toMatchObject({
      model: 'llama3.1',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(toolNamesOffered(requests[0]!)).toEqual(allTools);
    expect(JSON.stringify(requests[1]!.body.messages)).toContain('CrashLoopBackOff');
  });

  it('@ai-sdk/openai-compatible sends KUBENTLY_LLM_API_KEY as a bearer token', async () => {
    const { requests } = await runWith({
      KUBENTLY_LLM_PROVIDER: 'openai-compatible',
      KUBENTLY_LLM_MODEL: 'qwen',
      KUBENTLY_LLM_API_KEY: 'vllm-key',
    });
    expect(requests[0]!.headers.authorization).toBe('Bearer vllm-key');
  });

  it('turns a provider 401 into a model_error naming the provider message', async () => {
    const { last } = await runWith({ KUBENTLY_LLM_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: 'bad' }, [
      { errorStatus: 401, errorMessage: 'invalid x-api-key' },
    ]);
    expect(last).toMatchObject({ type: 'error', code: 'model_error' });
    expect(last.type === 'error' && last.message).toContain('invalid x-api-key');
  });

  it('cancellation closes the streaming HTTP request', async () => {
    const controller = new AbortController();
    const { last, requests } = await runWith(
      { KUBENTLY_LLM_PROVIDER: 'openai', OPENAI_API_KEY: 'k' },
      [{ text: 'thinking about it', holdOpen: true }],
      controller.signal,
      (event) => {
        if (event.type === 'text-delta') controller.abort();
      },
    );
    expect(last).toEqual({ type: 'error', code: 'cancelled', message: 'The request was cancelled.' });
    await expect.poll(() => requests[0]!.isAborted).toBe(true);
  });
});
