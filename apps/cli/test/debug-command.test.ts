import { Readable } from 'node:stream';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { run } from '../src/run.js';
import { startScriptedA2aServer } from './support/a2a-sdk-server.js';
import type { ScriptedA2aServer } from './support/a2a-sdk-server.js';
import { answerText, investigateScript, testApiKey } from './support/chat-scripts.js';
import { createTestIo, makeTempDir } from './support/test-io.js';

let server: ScriptedA2aServer;

beforeEach(async () => {
  server = await startScriptedA2aServer({
    apiKey: testApiKey,
    clusters: [
      { id: 'shop', connected: true },
      { id: 'db', connected: false },
    ],
    script: (message) => investigateScript((message.metadata as { clusterId?: string }).clusterId),
  });
});

afterEach(async () => {
  await server.close();
});

async function debug(args: string[], lines: string[], env: Record<string, string> = {}) {
  const io = {
    ...createTestIo({
      env: {
        KUBENTLY_CONFIG_DIR: await makeTempDir(),
        KUBENTLY_API_URL: server.url,
        KUBENTLY_API_KEY: testApiKey,
        ...env,
      },
    }),
    stdin: Readable.from(lines.map((line) => `${line}\n`)),
  };
  const code = await run(['debug', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('kubently debug with piped questions (no terminal)', () => {
  it('keeps one context per chat, switches clusters, and starts a new context on /clear', async () => {
    const { code, out, err } = await debug(
      ['shop'],
      [
        'why is checkout down?',
        '/cluster',
        '/cluster nope',
        '/cluster db',
        'and on db?',
        '/clear',
        'fresh start',
        '/help',
        '/bogus',
      ],
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(server.received.map((message) => [message.text, message.metadata])).toEqual([
      ['why is checkout down?', { clusterId: 'shop' }],
      ['and on db?', { clusterId: 'db' }],
      ['fresh start', { clusterId: 'db' }],
    ]);
    const [first, second, third] = server.received;
    expect(second?.contextId).toBe(first?.contextId);
    expect(third?.contextId).not.toBe(first?.contextId);
    expect(out).toContain('Scripted Kubently at');
    expect(out).toContain(
      'shop> why is checkout down?\n▶ kubectl get pods -n shop ✓ 0.4s exit 0, 12 lines\n',
    );
    expect(out).toContain('▶ kubectl get secrets -A ✗ denied: secrets are not readable in this mode\n');
    expect(out).toContain(`${answerText}\n─ 1,234 tokens (1,000 in, 234 out) · $0.0012 · 2 tool calls`);
    expect(out).toContain('* shop  connected\n  db  no executor\n');
    expect(out).toContain('unknown cluster "nope" (known: shop, db)');
    expect(out).toContain('now asking about cluster db (no executor connected: commands will fail)');
    expect(out).toContain('new conversation: the agent starts fresh');
    expect(out).toContain('/cluster NAME   ask about another cluster');
    expect(out).toContain('unknown command /bogus; /help lists the commands');
    expect(out).not.toContain('\u001b[');
  });

  it('uses the only cluster when none is named and answers every piped question before leaving', async () => {
    await server.close();
    server = await startScriptedA2aServer({
      apiKey: testApiKey,
      clusters: [{ id: 'solo', connected: true }],
      script: () => investigateScript('solo'),
    });
    const { code, out } = await debug([], ['one', 'two']);
    expect(code).toBe(0);
    expect(out).toContain('cluster solo');
    expect(server.received.map((message) => message.metadata)).toEqual([
      { clusterId: 'solo' },
      { clusterId: 'solo' },
    ]);
    expect(out.match(/─ 1,234 tokens/g)).toHaveLength(2);
  });

  it('exits 5 for an unknown cluster and 4 for a rejected key before the chat starts', async () => {
    const unknown = await debug(['nope'], []);
    expect(unknown.code).toBe(5);
    expect(unknown.err).toContain('cluster "nope" is not registered');
    const badKey = await debug(['shop'], [], { KUBENTLY_API_KEY: 'wrong-key-0123456789' });
    expect(badKey.code).toBe(4);
    expect(badKey.err).toContain('the API key was rejected');
  });
});
