import type { AgentStreamFinal } from '@kubently/protocol';

import type { ScriptStep } from './a2a-sdk-server.js';

export const testApiKey = 'chat-test-key-0123456789';

const usage = { inputTokens: 1000, outputTokens: 234, totalTokens: 1234, cachedInputTokens: 0 };

export const finalFor = (clusterId: string | undefined): AgentStreamFinal => ({
  type: 'final',
  usage,
  costUsd: 0.0012,
  steps: 2,
  stopReason: 'answered',
  mode: 'model',
  ...(clusterId === undefined ? {} : { clusterId }),
});

export const answerText = '**Root cause**: checkout has no ConfigMap key `DB_URL`.';

/** A turn with one kubectl call, noise the client must ignore, streamed text and usage. */
export function investigateScript(clusterId: string | undefined, sleepMs = 0): ScriptStep[] {
  return [
    {
      type: 'event',
      event: {
        type: 'tool-call-started',
        id: 'call-1',
        tool: 'execute_kubectl',
        args: { args: ['get', 'pods'], namespace: 'shop' },
      },
    },
    { type: 'raw-metadata', metadata: { other: { hello: 'world' } } },
    { type: 'raw-metadata', metadata: { kubently: { type: 'text-delta', text: 5 } } },
    { type: 'raw-metadata', metadata: { kubently: { type: 'from-the-future', x: 1 } } },
    ...(sleepMs > 0 ? [{ type: 'sleep', ms: sleepMs } as const] : []),
    {
      type: 'event',
      event: {
        type: 'tool-call-finished',
        id: 'call-1',
        tool: 'execute_kubectl',
        outcome: 'ok',
        durationMs: 412,
        summary: 'exit 0, 12 lines',
      },
    },
    {
      type: 'event',
      event: {
        type: 'tool-call-started',
        id: 'call-2',
        tool: 'execute_kubectl',
        args: { args: ['get', 'secrets', '-A'] },
      },
    },
    {
      type: 'event',
      event: {
        type: 'tool-call-finished',
        id: 'call-2',
        tool: 'execute_kubectl',
        outcome: 'denied',
        durationMs: 3,
        summary: 'policy_denied: secrets are not readable in this mode',
      },
    },
    { type: 'event', event: { type: 'text-delta', text: '**Root cause**: checkout has ' } },
    { type: 'event', event: { type: 'text-delta', text: 'no ConfigMap key `DB_URL`.' } },
    {
      type: 'event',
      event: { type: 'usage', step: 1, usage, total: usage, costUsd: 0.0012 },
    },
    { type: 'answer', text: answerText, final: finalFor(clusterId) },
  ];
}
