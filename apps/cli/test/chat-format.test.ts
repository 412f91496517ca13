import { describe, expect, it } from 'vitest';

import {
  createPalette,
  createTurnPrinter,
  describeToolCall,
  formatDuration,
  formatTurnSummary,
  parseChatInput,
  shouldUseColor,
  toTurnEvents,
} from '../src/chat/index.js';
import type { TurnEvent } from '../src/chat/index.js';
import { createTurnAccumulator } from '../src/chat/index.js';

describe('describeToolCall', () => {
  it.each([
    ['execute_kubectl', { args: ['get', 'pods'], namespace: 'shop' }, 'kubectl get pods -n shop'],
    ['execute_kubectl', { args: ['get', 'pods', '-n', 'web'], namespace: 'shop' }, 'kubectl get pods -n web'],
    ['execute_kubectl', { args: ['get', 'pods', '-A'], namespace: 'shop' }, 'kubectl get pods -A'],
    [
      'execute_kubectl',
      { args: ['get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}'], clusterId: 'prod' },
      "kubectl get pods -o 'jsonpath={.items[*].metadata.name}' (cluster prod)",
    ],
    [
      'get_events',
      { kind: 'Pod', name: 'checkout-7d9', namespace: 'shop' },
      'events for Pod/checkout-7d9 -n shop and its owners',
    ],
    ['diagnose', { namespace: 'shop' }, 'diagnose namespace shop'],
    ['diagnose', {}, 'diagnose all namespaces'],
    [
      'search_logs',
      { pod: 'api-1', namespace: 'shop', query: 'timeout' },
      'search logs of pod/api-1 -n shop for "timeout"',
    ],
    ['list_clusters', {}, 'list clusters'],
    ['todo_write', { items: ['a'] }, 'todo_write {"items":["a"]}'],
    ['execute_kubectl', 'not an object', 'kubectl'],
  ])('%s %j → %s', (tool, args, expected) => {
    expect(describeToolCall(tool, args)).toBe(expected);
  });

  it('keeps long commands on one line', () => {
    const line = describeToolCall('execute_kubectl', {
      args: ['get', 'pods', '-l', `app=${'x'.repeat(300)}`],
    });
    expect(line.length).toBe(160);
    expect(line.endsWith('…')).toBe(true);
  });
});

describe('formatting', () => {
  it('durations and the per-turn summary', () => {
    expect(formatDuration(412)).toBe('0.4s');
    expect(formatDuration(65_000)).toBe('1m05s');
    expect(formatTurnSummary({ usage: null, costUsd: 1, toolCalls: 0, elapsedMs: 1 })).toBeNull();
    expect(
      formatTurnSummary({
        usage: { inputTokens: 12_000, outputTokens: 345, totalTokens: 12_345, cachedInputTokens: 2_000 },
        costUsd: 0.042,
        toolCalls: 1,
        elapsedMs: 2_500,
      }),
    ).toBe('─ 12,345 tokens (12,000 in, 345 out, 2,000 cached) · $0.042 · 1 tool call · 2.5s');
  });

  it('colour only on a terminal and never with NO_COLOR or TERM=dumb', () => {
    const tty = { write: () => true, isTTY: true };
    const pipe = { write: () => true };
    expect(shouldUseColor(tty, {})).toBe(true);
    expect(shouldUseColor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor(tty, { NO_COLOR: '' })).toBe(true);
    expect(shouldUseColor(tty, { TERM: 'dumb' })).toBe(false);
    expect(shouldUseColor(pipe, {})).toBe(false);
    expect(createPalette(true).green('ok')).toBe('\u001b[32mok\u001b[39m');
    expect(createPalette(false).green('ok')).toBe('ok');
  });
});

describe('parseChatInput', () => {
  it.each([
    ['  why?  ', { type: 'question', text: 'why?' }],
    ['', { type: 'empty' }],
    ['/clear', { type: 'clear' }],
    ['/cluster', { type: 'cluster', clusterId: undefined }],
    ['/cluster  prod ', { type: 'cluster', clusterId: 'prod' }],
    ['/help', { type: 'help' }],
    ['/exit', { type: 'exit' }],
    ['/quit', { type: 'exit' }],
    ['/nope x', { type: 'unknown', command: '/nope' }],
  ])('%j', (line, expected) => {
    expect(parseChatInput(line)).toEqual(expected);
  });
});

const stream = (kubently: unknown): TurnEvent[] =>
  toTurnEvents({
    payload: {
      $case: 'statusUpdate',
      value: { taskId: 't', contextId: 'c', status: undefined, metadata: { kubently } },
    },
  });

describe('decoding metadata.kubently', () => {
  it('ignores unknown and malformed entries instead of failing', () => {
    expect(stream({ type: 'text-delta', text: 5 })).toEqual([
      { type: 'state', state: 'working', error: undefined, message: '' },
    ]);
    expect(stream({ type: 'not-yet-invented' })).toHaveLength(1);
    expect(stream('a string')).toHaveLength(1);
    expect(stream({ type: 'text-delta', text: 'hi' })[0]).toEqual({
      type: 'stream',
      event: { type: 'text-delta', text: 'hi' },
    });
  });
});

describe('the turn printer', () => {
  const collect = () => {
    let text = '';
    return { output: { write: (chunk: string) => (text += chunk) }, text: () => text };
  };

  it('completes a tool line in place, or repeats the command when other output came between', () => {
    const screen = collect();
    const printer = createTurnPrinter({
      answer: screen.output,
      progress: screen.output,
      palette: createPalette(false),
    });
    const accumulator = createTurnAccumulator();
    const events: TurnEvent[] = [
      ...stream({ type: 'text-delta', text: 'Looking.' }),
      ...stream({
        type: 'tool-call-started',
        id: 'a',
        tool: 'execute_kubectl',
        args: { args: ['get', 'pods'] },
      }),
      ...stream({ type: 'tool-call-started', id: 'b', tool: 'list_clusters', args: {} }),
      ...stream({
        type: 'tool-call-finished',
        id: 'b',
        tool: 'list_clusters',
        outcome: 'ok',
        durationMs: 10,
        summary: '2 clusters',
      }),
      ...stream({
        type: 'tool-call-finished',
        id: 'a',
        tool: 'execute_kubectl',
        outcome: 'error',
        durationMs: 1500,
        summary: 'exit 1, 1 line',
      }),
      ...stream({ type: 'text-delta', text: 'Done.' }),
    ];
    for (const event of events) {
      accumulator.add(event);
      printer.onEvent(event);
    }
    accumulator.add({ type: 'state', state: 'completed', error: undefined, message: '' });
    printer.finish(accumulator.result(), 2000);
    expect(screen.text()).toBe(
      'Looking.\n▶ kubectl get pods\n▶ list clusters ✓ 0.0s 2 clusters\n✗ 1.5s exit 1, 1 line (kubectl get pods)\nDone.\n',
    );
  });

  it('sends progress to its own stream and keeps the answer clean', () => {
    const answer = collect();
    const progress = collect();
    const printer = createTurnPrinter({
      answer: answer.output,
      progress: progress.output,
      palette: createPalette(false),
    });
    const accumulator = createTurnAccumulator();
    for (const event of [
      ...stream({ type: 'tool-call-started', id: 'a', tool: 'diagnose', args: {} }),
      ...stream({
        type: 'tool-call-finished',
        id: 'a',
        tool: 'diagnose',
        outcome: 'denied',
        durationMs: 1,
        summary: 'policy_denied: no',
      }),
    ]) {
      accumulator.add(event);
      printer.onEvent(event);
    }
    accumulator.add({ type: 'answer', text: 'The answer.', append: false, final: undefined });
    accumulator.add({ type: 'state', state: 'completed', error: undefined, message: '' });
    printer.finish(accumulator.result(), 10);
    expect(answer.text()).toBe('The answer.\n');
    expect(progress.text()).toBe('▶ diagnose all namespaces ✗ denied: no\n');
  });

  it('says so when the stream ends before the task does', () => {
    const screen = collect();
    const printer = createTurnPrinter({
      answer: screen.output,
      progress: screen.output,
      palette: createPalette(false),
    });
    const accumulator = createTurnAccumulator();
    accumulator.add({ type: 'task', taskId: 'task-1', contextId: 'c' });
    accumulator.add({ type: 'state', state: 'working', error: undefined, message: '' });
    printer.finish(accumulator.result(), 10);
    expect(screen.text()).toBe(
      '… the stream ended before the task did (task task-1 may still be running on the server)\n',
    );
  });
});
