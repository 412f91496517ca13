import { describe, expect, it } from 'vitest';

import type { AuditRecord } from '@kubently/protocol';

import { updatesOf } from '../src/api/a2a-chat.js';
import { credentialOf } from '../src/api/session.js';
import { parseBlock, readSse } from '../src/api/sse-reader.js';
import { applyUpdate } from '../src/pages/chat-turn.js';
import type { ChatTurn } from '../src/pages/chat-turn.js';
import { toCsv } from '../src/ui/audit-csv.js';
import { commandLine } from '../src/ui/format.js';

const streamOf = (...chunks: string[]): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

const turn: ChatTurn = {
  id: 't',
  question: 'why?',
  taskId: null,
  tools: [],
  text: '',
  state: 'running',
  message: '',
  footnote: '',
};

describe('SSE reading', () => {
  it('joins events split across chunks, skips keepalive comments and keeps id and event name', async () => {
    const events = [];
    for await (const event of readSse(
      streamOf(': connected\n\nid: 1\nevent: com', 'mand\ndata: {"a":1}\n\n: keepalive\n\n'),
    ))
      events.push(event);
    expect(events).toEqual([{ event: 'command', id: '1', data: '{"a":1}' }]);
    expect(parseBlock('data: a\ndata: b')).toEqual({ event: 'message', id: undefined, data: 'a\nb' });
  });
});

describe('the chat over A2A 1.0', () => {
  it('follows a tool call from start to finish, the text and the end state', () => {
    const frames = [
      {
        jsonrpc: '2.0',
        id: 1,
        result: { task: { id: 'task-1', contextId: 'ctx', status: { state: 'TASK_STATE_WORKING' } } },
      },
      {
        jsonrpc: '2.0',
        id: 1,
        result: {
          statusUpdate: {
            taskId: 'task-1',
            status: { state: 'TASK_STATE_WORKING' },
            metadata: {
              kubently: {
                type: 'tool-call-started',
                id: 'c1',
                tool: 'execute_kubectl',
                args: { args: ['get', 'pods'] },
              },
            },
          },
        },
      },
      {
        jsonrpc: '2.0',
        id: 1,
        result: {
          statusUpdate: {
            taskId: 'task-1',
            status: { state: 'TASK_STATE_WORKING' },
            metadata: {
              kubently: {
                type: 'tool-call-finished',
                id: 'c1',
                tool: 'execute_kubectl',
                outcome: 'denied',
                durationMs: 3,
                summary: 'policy_denied: no',
              },
            },
          },
        },
      },
      {
        jsonrpc: '2.0',
        id: 1,
        result: {
          statusUpdate: {
            taskId: 'task-1',
            status: { state: 'TASK_STATE_WORKING' },
            metadata: { kubently: { type: 'text-delta', text: 'Root cause' } },
          },
        },
      },
      {
        jsonrpc: '2.0',
        id: 1,
        result: {
          statusUpdate: {
            taskId: 'task-1',
            status: {
              state: 'TASK_STATE_CANCELED',
              message: { parts: [{ text: 'cancelled by the caller' }] },
            },
            metadata: { kubently: { type: 'error', code: 'cancelled', message: 'cancelled by the caller' } },
          },
        },
      },
    ];
    const end = frames.flatMap(updatesOf).reduce(applyUpdate, turn);
    expect(end).toMatchObject({
      taskId: 'task-1',
      text: 'Root cause',
      state: 'canceled',
      message: 'cancelled: cancelled by the caller',
      tools: [
        {
          id: 'c1',
          label: 'kubectl get pods',
          outcome: 'denied',
          durationMs: 3,
          summary: 'policy_denied: no',
        },
      ],
    });
  });

  it('ends failed on a JSON-RPC error and ignores frames that are not A2A', () => {
    expect(updatesOf({ jsonrpc: '2.0', id: 1, error: { code: -32600, message: 'send X-API-Key' } })).toEqual([
      { type: 'ended', state: 'failed', message: 'send X-API-Key' },
    ]);
    expect(updatesOf({ hello: 'world' })).toEqual([]);
    expect(updatesOf(null)).toEqual([]);
  });
});

describe('small helpers', () => {
  it('tells a JWT (bearer) from an API key', () => {
    expect(credentialOf(' eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln ')).toEqual({
      kind: 'bearer',
      secret: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
    });
    expect(credentialOf('kbk_abc.def')).toEqual({ kind: 'apiKey', secret: 'kbk_abc.def' });
  });

  it('quotes arguments that need it in a command line', () => {
    expect(commandLine(['get', 'pods', '-l', 'app in (a,b)'])).toBe("kubectl get pods -l 'app in (a,b)'");
  });

  it('exports CSV with quoting and without spreadsheet formulas', () => {
    const record: AuditRecord = {
      id: 'r1',
      at: '2026-01-01T00:00:00.000Z',
      identity: '=HYPERLINK("x")',
      role: 'operator',
      clusterId: 'prod',
      commandId: null,
      sessionId: null,
      correlationId: 'c1',
      argv: ['get', 'pods'],
      decision: 'denied',
      reason: 'denied: "delete", no',
      outcome: 'denied',
      exitCode: null,
      durationMs: null,
      bytes: null,
      source: 'rest',
    };
    const [header, row] = toCsv([record]).trimEnd().split('\n');
    expect(header).toBe(
      'at,identity,role,clusterId,argv,decision,outcome,exitCode,durationMs,reason,source,correlationId',
    );
    expect(row).toBe(
      `2026-01-01T00:00:00.000Z,"'=HYPERLINK(""x"")",operator,prod,get pods,denied,denied,,,"denied: ""delete"", no",rest,c1`,
    );
  });
});
