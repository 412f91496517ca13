import { createModelFromConfig, parseAgentConfig } from '@kubently/agent';
import { generateText, stepCountIs, tool } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { startFakeProvider } from './support/fake-provider.js';
import type { FakeProvider } from './support/fake-provider.js';

let fake: FakeProvider | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('fake provider server, non-streaming wire formats', () => {
  it.each([
    ['openai', { KUBENTLY_LLM_PROVIDER: 'openai', OPENAI_API_KEY: 'k' }, '/v1/chat/completions'],
    ['anthropic', { KUBENTLY_LLM_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: 'k' }, '/v1/messages'],
  ])('%s: generateText runs a tool loop', async (_name, env, path) => {
    fake = await startFakeProvider([
      { toolCalls: [{ id: 'call_9', name: 'add', args: { a: 2, b: 3 } }], usage: { input: 10, output: 5 } },
      { text: 'The sum is 5.', usage: { input: 20, output: 5 } },
    ]);
    const config = parseAgentConfig({ ...env, KUBENTLY_LLM_BASE_URL: fake.baseUrl });
    const result = await generateText({
      model: createModelFromConfig(config.model!),
      prompt: 'add 2 and 3',
      tools: {
        add: tool({
          inputSchema: z.object({ a: z.number(), b: z.number() }),
          execute: ({ a, b }) => Promise.resolve({ sum: a + b }),
        }),
      },
      stopWhen: stepCountIs(3),
    });
    expect(result.text).toBe('The sum is 5.');
    expect(result.totalUsage.inputTokens).toBe(30);
    expect(fake.requests.map((request) => [request.path, request.body.stream ?? false])).toEqual([
      [path, false],
      [path, false],
    ]);
    expect(JSON.stringify(fake.requests[1]!.body.messages)).toContain('"sum\\":5');
    expect(fake.remaining()).toBe(0);
  });

  it('answers an unknown route with 404 and a missing turn with a provider error', async () => {
    fake = await startFakeProvider([]);
    const missing = await fetch(`${fake.baseUrl}/embeddings`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(404);
    const empty = await fetch(`${fake.baseUrl}/chat/completions`, {
      method: 'POST',
      body: '{"stream":true}',
    });
    expect(empty.status).toBe(500);
    expect(await empty.json()).toMatchObject({
      error: { message: 'the fake provider script has no turn 1' },
    });
  });
});
