import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { run } from '../src/run.js';
import { startScriptedA2aServer } from './support/a2a-sdk-server.js';
import type { ScriptStep, ScriptedA2aServer } from './support/a2a-sdk-server.js';
import { answerText, finalFor, investigateScript, testApiKey } from './support/chat-scripts.js';
import { createTestIo, makeTempDir } from './support/test-io.js';

let server: ScriptedA2aServer;
let script: (text: string) => readonly ScriptStep[];

beforeEach(async () => {
  script = () => investigateScript('shop');
  server = await startScriptedA2aServer({
    apiKey: testApiKey,
    clusters: [
      { id: 'shop', connected: true },
      { id: 'db', connected: false },
    ],
    script: (message) => script(message.text),
  });
});

afterEach(async () => {
  await server.close();
});

async function ask(args: string[], options: { signal?: AbortSignal; key?: string; url?: string } = {}) {
  const io = createTestIo({
    env: {
      KUBENTLY_CONFIG_DIR: await makeTempDir(),
      KUBENTLY_API_URL: options.url ?? server.url,
      KUBENTLY_API_KEY: options.key ?? testApiKey,
    },
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const code = await run(['ask', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('kubently ask against an A2A server built with the SDK', () => {
  it('-o json prints one object with the answer, tool calls, usage and the task', async () => {
    const { code, out, err } = await ask([
      'why is checkout down?',
      '--cluster',
      'shop',
      '-n',
      'web',
      '-o',
      'json',
    ]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(out) as Record<string, unknown>;
    expect(json).toMatchObject({
      answer: answerText,
      clusterId: 'shop',
      state: 'completed',
      costUsd: 0.0012,
      usage: { inputTokens: 1000, outputTokens: 234, totalTokens: 1234, cachedInputTokens: 0 },
      stopReason: 'answered',
      mode: 'model',
      toolCalls: [
        {
          tool: 'execute_kubectl',
          args: { args: ['get', 'pods'], namespace: 'shop' },
          outcome: 'ok',
          durationMs: 412,
          summary: 'exit 0, 12 lines',
        },
        {
          tool: 'execute_kubectl',
          args: { args: ['get', 'secrets', '-A'] },
          outcome: 'denied',
          durationMs: 3,
          summary: 'policy_denied: secrets are not readable in this mode',
        },
      ],
    });
    expect(json['taskId']).toBe(server.received[0]?.taskId);
    expect(server.received).toHaveLength(1);
    expect(server.received[0]?.text).toBe('why is checkout down?');
    expect(server.received[0]?.metadata).toEqual({ clusterId: 'shop', namespace: 'web' });
  });

  it('text mode streams the answer to stdout once and the tool calls and usage to stderr', async () => {
    const { code, out, err } = await ask(['why', 'is', 'checkout', 'down?', '--cluster', 'shop']);
    expect(code).toBe(0);
    expect(out).toBe(`${answerText}\n`);
    expect(err).toContain('▶ kubectl get pods -n shop ✓ 0.4s exit 0, 12 lines\n');
    expect(err).toContain('▶ kubectl get secrets -A ✗ denied: secrets are not readable in this mode\n');
    expect(err).toMatch(/─ 1,234 tokens \(1,000 in, 234 out\) · \$0\.0012 · 2 tool calls · \d+\.\ds\n$/);
    expect(err).not.toContain('\u001b[');
    expect(server.received[0]?.text).toBe('why is checkout down?');
  });

  it('prints an answer that was never streamed (engine mode) and exits 0', async () => {
    const engineFinal = {
      ...finalFor('shop'),
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0, cachedInputTokens: 0 },
      costUsd: null,
      steps: 0,
      stopReason: 'engine_only',
      mode: 'engine',
    } as const;
    script = () => [{ type: 'answer', text: 'engine says: ok', final: engineFinal }];
    const { code, out } = await ask(['status?']);
    expect(code).toBe(0);
    expect(out).toBe('engine says: ok\n');
  });

  it('a failed task exits 1 with the reason; -o json reports state and error', async () => {
    script = () => [
      { type: 'fail', error: { type: 'error', code: 'model_error', message: 'the provider said 401' } },
    ];
    const text = await ask(['why?']);
    expect(text.code).toBe(1);
    expect(text.err).toContain('✗ the agent failed: the provider said 401');
    const json = await ask(['why?', '-o', 'json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({
      state: 'failed',
      error: { code: 'model_error', message: 'the provider said 401' },
      answer: '',
    });
  });

  it('Ctrl-C cancels the task on the server and exits 130', async () => {
    script = () => investigateScript('shop', 60_000);
    const controller = new AbortController();
    const pending = ask(['why?', '-o', 'json'], { signal: controller.signal });
    await waitFor(() => server.received.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort(new Error('SIGINT'));
    const { code, out } = await pending;
    expect(code).toBe(130);
    expect(server.canceled).toEqual([server.received[0]?.taskId]);
    expect(JSON.parse(out)).toMatchObject({ state: 'canceled', toolCalls: [{ outcome: null }] });
  });

  it('picks a dropped stream up again with SubscribeToTask instead of sending the question twice', async () => {
    await server.close();
    server = await startScriptedA2aServer({
      apiKey: testApiKey,
      clusters: [{ id: 'shop', connected: true }],
      script: () => investigateScript('shop', 1_000),
      dropFirstStreamAfter: 2,
    });
    const { code, out, err } = await ask(['why?', '--cluster', 'shop', '-o', 'json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(server.received).toHaveLength(1);
    const json = JSON.parse(out) as { answer: string; state: string; toolCalls: { outcome: string }[] };
    expect(json.state).toBe('completed');
    expect(json.answer).toBe(answerText);
    // The call started before the drop and finished after it; the second one ran entirely after.
    expect(json.toolCalls.map((call) => call.outcome)).toEqual(['ok', 'denied']);
  });

  it('names the fix for an unknown cluster (5), a rejected key (4) and no server (6)', async () => {
    const unknown = await ask(['why?', '--cluster', 'nope']);
    expect(unknown.code).toBe(5);
    expect(unknown.err).toContain('cluster "nope" is not registered');
    expect(unknown.err).toContain('known: shop, db');
    const badKey = await ask(['why?'], { key: 'wrong-key-0123456789' });
    expect(badKey.code).toBe(4);
    expect(badKey.err).toContain('the API key was rejected');
    const closed = await startScriptedA2aServer({ apiKey: testApiKey, clusters: [], script: () => [] });
    await closed.close();
    const down = await ask(['why?'], { url: closed.url });
    expect(down.code).toBe(6);
    expect(down.err).toContain(`no Kubently server at ${closed.url}`);
    expect(server.received).toHaveLength(0);
  });

  it('rejects a missing question and a bad -o', async () => {
    expect((await ask([])).code).toBe(2);
    const bad = await ask(['why?', '-o', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('-o/--output must be one of text, json, yaml (got "xml")');
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 600 && !condition(); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!condition()) throw new Error('condition not met');
}
