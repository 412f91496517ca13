import { TaskState } from '@a2a-js/sdk';
import type { AgentExecutionEvent } from '@a2a-js/sdk/server';
import { describe, expect, it } from 'vitest';

import { agentStreamFinalSchema } from '@kubently/protocol';

import { TaskPublisher } from '../../../src/http/a2a/task-publisher.js';

const publisher = () => {
  const events: AgentExecutionEvent[] = [];
  let id = 0;
  const task = new TaskPublisher({
    bus: { publish: (event) => events.push(event) },
    taskId: 't1',
    contextId: 'c1',
    now: () => 0,
    newId: () => `m${String((id += 1))}`,
  });
  return { task, events };
};

const kubentlyOf = (event: AgentExecutionEvent | undefined): unknown =>
  event?.kind === 'statusUpdate' || event?.kind === 'artifactUpdate'
    ? event.data.metadata?.['kubently']
    : undefined;

describe('TaskPublisher', () => {
  it('coalesces text deltas into one update at a newline and flushes them before a tool call', () => {
    const { task, events } = publisher();
    task.event({ type: 'text-delta', text: 'Looking ' });
    task.event({ type: 'text-delta', text: 'at pods.\n' });
    task.event({ type: 'text-delta', text: 'Then ' });
    task.event({
      type: 'tool-call-started',
      id: 'x',
      tool: 'execute_kubectl',
      args: { args: ['get', 'pods'] },
    });
    expect(events.map(kubentlyOf)).toEqual([
      { type: 'text-delta', text: 'Looking at pods.\n' },
      { type: 'text-delta', text: 'Then ' },
      { type: 'tool-call-started', id: 'x', tool: 'execute_kubectl', args: { args: ['get', 'pods'] } },
    ]);
    const started = events[2];
    // Tool events carry a one-line status message; text deltas carry none (history stays small).
    expect(
      started?.kind === 'statusUpdate' ? started.data.status?.message?.parts[0]?.content : undefined,
    ).toEqual({
      $case: 'text',
      value: 'kubectl get pods',
    });
    expect(events[0]?.kind === 'statusUpdate' ? events[0].data.status?.message : 'x').toBeUndefined();
  });

  it('ends once: completed with the answer artifact, later events and failures are ignored', () => {
    const { task, events } = publisher();
    const usage = { inputTokens: 1, outputTokens: 2, totalTokens: 3, cachedInputTokens: 0 };
    task.complete(
      { type: 'final', answer: 'A', usage, costUsd: null, steps: 1, stopReason: 'answered', mode: 'model' },
      'prod',
    );
    task.fail({ type: 'error', code: 'internal', message: 'late' });
    task.event({ type: 'text-delta', text: 'late\n' });
    expect(events.map((event) => event.kind)).toEqual(['artifactUpdate', 'statusUpdate']);
    expect(events[1]?.kind === 'statusUpdate' ? events[1].data.status?.state : undefined).toBe(
      TaskState.TASK_STATE_COMPLETED,
    );
    expect(kubentlyOf(events[0])).toMatchObject({ type: 'final', clusterId: 'prod', steps: 1 });
  });

  it("says in the final metadata how the answer's cluster quotes are set apart", () => {
    const usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0, cachedInputTokens: 0 };
    const final = { type: 'final', answer: 'A', usage, costUsd: null, steps: 0 } as const;
    const engine = publisher();
    engine.task.complete({ ...final, stopReason: 'engine_only', mode: 'engine' }, 'prod');
    const model = publisher();
    model.task.complete({ ...final, stopReason: 'answered', mode: 'model' }, 'prod');
    expect(agentStreamFinalSchema.parse(kubentlyOf(engine.events[0])).untrustedQuotes).toBe('fenced');
    expect(agentStreamFinalSchema.parse(kubentlyOf(model.events[1])).untrustedQuotes).toBe('model');
  });

  it('maps cancelled to CANCELED and other errors to FAILED, with the error as metadata and text', () => {
    const first = publisher();
    first.task.fail({ type: 'error', code: 'cancelled', message: 'The request was cancelled.' });
    const second = publisher();
    second.task.fail({ type: 'error', code: 'model_error', message: 'provider said 401' });
    const [cancelled] = first.events;
    const [failed] = second.events;
    expect(cancelled?.kind === 'statusUpdate' ? cancelled.data.status?.state : undefined).toBe(
      TaskState.TASK_STATE_CANCELED,
    );
    expect(failed?.kind === 'statusUpdate' ? failed.data.status?.state : undefined).toBe(
      TaskState.TASK_STATE_FAILED,
    );
    expect(kubentlyOf(failed)).toEqual({ type: 'error', code: 'model_error', message: 'provider said 401' });
    expect(
      failed?.kind === 'statusUpdate' ? failed.data.status?.message?.metadata?.['kubently'] : undefined,
    ).toEqual({
      type: 'error',
      code: 'model_error',
      message: 'provider said 401',
    });
  });
});
