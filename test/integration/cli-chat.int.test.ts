import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { simulateReadableStream } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { agentKeys, startAgentKubently } from './support/agent-kubently.js';
import type { AgentKubently } from './support/agent-kubently.js';
import { startTmux } from './support/tmux-session.js';
import type { TmuxSession } from './support/tmux-session.js';

const runFile = promisify(execFile);
const cliBin = fileURLToPath(new URL('../../apps/cli/bin/kubently.js', import.meta.url));
const screenFile = fileURLToPath(new URL('../../docs/debug-session.txt', import.meta.url));

/** The last user message of a model call: which question this step belongs to. */
const lastUserText = (options: LanguageModelV3CallOptions): string => {
  const users = options.prompt.filter((message) => message.role === 'user');
  const last = users.at(-1);
  if (last === undefined) return '';
  return last.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
};

const hasToolResult = (options: LanguageModelV3CallOptions): boolean => {
  const last = options.prompt.at(-1);
  return last?.role === 'tool';
};

const usage = {
  inputTokens: { total: 100, noCache: 100, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 20, text: 20, reasoning: 0 },
};

const answer =
  '**Root cause:** checkout-7d9 cannot start: ConfigMap key DB_URL is missing.\n**Evidence:** kubectl get pods -n shop\n**Fix:** add DB_URL to configmap/checkout.';

function reply(text: string, toolCall?: { id: string; args: string[] }): LanguageModelV3StreamPart[] {
  const parts: LanguageModelV3StreamPart[] = [{ type: 'stream-start', warnings: [] }];
  parts.push({ type: 'text-start', id: 't' });
  for (const word of text.match(/\S+\s*/g) ?? []) parts.push({ type: 'text-delta', id: 't', delta: word });
  parts.push({ type: 'text-end', id: 't' });
  if (toolCall !== undefined) {
    parts.push({
      type: 'tool-call',
      toolCallId: toolCall.id,
      toolName: 'execute_kubectl',
      input: JSON.stringify({ args: toolCall.args }),
    });
  }
  parts.push({
    type: 'finish',
    finishReason: { unified: toolCall === undefined ? 'stop' : 'tool-calls', raw: undefined },
    usage,
  });
  return parts;
}

/**
 * A slow scripted model: "why ..." looks at the pods, then answers word by word; "slow ..." writes
 * for a minute (the test cancels it). It records every call and whether its signal was aborted.
 */
function slowModel() {
  const calls: LanguageModelV3CallOptions[] = [];
  const aborted: string[] = [];
  const model = new MockLanguageModelV3({
    provider: 'scripted',
    modelId: 'slow-1',
    doStream: (options) => {
      calls.push(options);
      const question = lastUserText(options);
      options.abortSignal?.addEventListener('abort', () => aborted.push(question), { once: true });
      let chunks: LanguageModelV3StreamPart[];
      let delay = 60;
      if (question.startsWith('slow')) {
        chunks = reply('Checking every namespace one by one, this will take a while. '.repeat(20));
        delay = 400;
      } else if (!hasToolResult(options)) {
        chunks = reply('Let me look at the pods.\n', {
          id: `call-${calls.length}`,
          args: ['get', 'pods', '-n', 'shop'],
        });
      } else {
        chunks = reply(answer);
      }
      return Promise.resolve({ stream: simulateReadableStream({ chunks, chunkDelayInMs: delay }) });
    },
  });
  return { model, calls, aborted };
}

describe('kubently ask and debug against the real Kubently server (scripted model)', () => {
  const scripted = slowModel();
  let kubently: AgentKubently;
  let configDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    kubently = await startAgentKubently({ overrides: { model: scripted.model } });
    configDir = await mkdtemp(join(tmpdir(), 'kubently-chat-'));
    env = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: configDir,
      KUBENTLY_CONFIG_DIR: configDir,
      KUBENTLY_API_URL: kubently.url,
      KUBENTLY_API_KEY: agentKeys.operator,
    };
  });
  afterAll(async () => {
    await kubently.close();
  });

  it('ask -o json: the answer, the kubectl call the agent really ran, usage and the task', async () => {
    const { stdout } = await runFile(
      process.execPath,
      [cliBin, 'ask', 'why is checkout down?', '--cluster', 'prod', '-o', 'json'],
      { env, encoding: 'utf8' },
    );
    const json = JSON.parse(stdout) as Record<string, unknown>;
    expect(json).toMatchObject({
      answer,
      clusterId: 'prod',
      state: 'completed',
      mode: 'model',
      stopReason: 'answered',
      usage: { inputTokens: 200, outputTokens: 40, totalTokens: 240 },
      toolCalls: [
        {
          tool: 'execute_kubectl',
          args: { args: ['get', 'pods', '-n', 'shop'] },
          outcome: 'ok',
        },
      ],
    });
    const [call] = json['toolCalls'] as { summary: string; durationMs: number }[];
    expect(call?.summary).toMatch(/^exit 0/);
    expect(call?.durationMs).toBeGreaterThan(0);
    expect(typeof json['taskId']).toBe('string');
    expect(kubently.kubectl.invocations().some((entry) => entry.argv.join(' ').includes('get pods'))).toBe(
      true,
    );
  });

  it('ask: an unknown cluster exits 5 before any task starts', async () => {
    const failure = await runFile(process.execPath, [cliBin, 'ask', 'why?', '--cluster', 'nope'], {
      env,
      encoding: 'utf8',
    }).then(
      () => null,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failure?.code).toBe(5);
    expect(failure?.stderr).toContain('cluster "nope" is not registered');
  });

  it('ask: a viewer key is refused by the agent with exit 4 and the reason', async () => {
    const failure = await runFile(process.execPath, [cliBin, 'ask', 'why?', '--cluster', 'prod'], {
      env: { ...env, KUBENTLY_API_KEY: agentKeys.viewer },
      encoding: 'utf8',
    }).then(
      () => null,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failure?.code).toBe(4);
    expect(failure?.stderr).toContain('may not ask the agent');
  });

  describe('debug in a real terminal (tmux)', () => {
    let tmux: TmuxSession;

    beforeAll(async () => {
      tmux = await startTmux([process.execPath, cliBin, 'debug', 'prod'], {
        env: { ...env, TERM: 'xterm-256color' },
      });
    });
    afterAll(async () => {
      await tmux.kill();
    });

    it('streams tool calls and the answer, remembers the conversation, cancels with Ctrl-C, exits at an empty prompt', async () => {
      await tmux.waitFor(/^prod>$/m);
      expect(await tmux.capture()).toContain(`at ${kubently.url} · cluster prod`);

      await tmux.type('why is checkout down?');
      await tmux.sendKeys('Enter');
      // The tool line appears, and is completed, while the answer is still being written.
      const during = await tmux.waitFor(/▶ kubectl get pods -n shop ✓ \d+\.\ds exit 0, \d+ lines?/);
      expect(during).toContain('Let me look at the pods.');
      const done = await tmux.waitFor(/─ 240 tokens \(200 in, 40 out\) · 1 tool call · \d+\.\ds\n\s*prod>$/);
      expect(done).toContain('**Root cause:** checkout-7d9 cannot start: ConfigMap key DB_URL is missing.');
      expect(done).toContain('**Fix:** add DB_URL to configmap/checkout.');

      // A follow-up in the same conversation: the server passes the first question to the model.
      const callsBefore = scripted.calls.length;
      await tmux.type('slow: and the logs?');
      await tmux.sendKeys('Enter');
      await tmux.waitFor(/Checking every namespace one by one/);
      const followUp = scripted.calls[callsBefore];
      expect(JSON.stringify(followUp?.prompt)).toContain('why is checkout down?');
      await tmux.sendKeys('C-c');
      const canceled = await tmux.waitFor(/✗ canceled\n\s*prod>$/);
      expect(canceled).not.toMatch(/─ \d+ tokens[^\n]*\n\s*✗ canceled/);
      // CancelTask reached the server: the agent's model call was aborted.
      // (The server may relay the cancel through its state backend, so this can trail the screen.)
      await expect.poll(() => scripted.aborted, { timeout: 20_000 }).toContain('slow: and the logs?');

      await tmux.type('/cluster');
      await tmux.sendKeys('Enter');
      await tmux.waitFor(/\* prod {2}connected\n\s*prod>$/);
      await tmux.type('/cluster nope');
      await tmux.sendKeys('Enter');
      await tmux.waitFor(/unknown cluster "nope" \(known: prod\)\n\s*prod>$/);

      const screen = await tmux.capture();
      if (process.env['KUBENTLY_SAVE_DEBUG_SCREEN'] === '1') await writeFile(screenFile, `${screen}\n`);

      await tmux.sendKeys('C-c');
      await expect
        .poll(() => tmux.exitStatus(), { timeout: 20_000, message: 'kubently debug did not exit' })
        .toBe(0)
        .catch(async (error: unknown) => {
          throw new Error(`${String(error)}\nscreen:\n${await tmux.capture()}`);
        });
      const history = await readFile(join(configDir, 'debug-history'), 'utf8');
      expect(history.split('\n')).toEqual(
        expect.arrayContaining(['why is checkout down?', 'slow: and the logs?', '/cluster']),
      );
    }, 240_000);
  });
});
