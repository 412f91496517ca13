import { describe, expect, it } from 'vitest';

import type { FanOutCommandResponse } from '@kubently/protocol';

import { printFanOutResult } from '../src/commands/exec-all.js';
import { createTestIo } from './support/test-io.js';

const ok = (
  clusterId: string,
  exitCode: number,
  stdout: string,
): FanOutCommandResponse['results'][number] => ({
  clusterId,
  status: 'ok',
  result: {
    id: `id-${clusterId}`,
    clusterId,
    status: exitCode === 0 ? 'succeeded' : 'failed',
    args: ['get', 'pods'],
    exitCode,
    stdout,
    stderr: exitCode === 0 ? '' : 'error: boom\n',
    durationMs: 3,
    truncated: false,
    redactions: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
  },
});

const answer = (results: FanOutCommandResponse['results']): FanOutCommandResponse => {
  const errors = results.filter((entry) => entry.status === 'error').length;
  return { results, summary: { clusters: results.length, ok: results.length - errors, errors } };
};

describe('kubently exec --all output', () => {
  it('prints a section per cluster, kubectl stderr and errors on stderr, and exits 0 only when all succeeded', () => {
    const io = createTestIo();
    expect(printFanOutResult(answer([ok('a', 0, 'pod-1'), ok('b', 0, 'pod-2\n')]), io)).toBe(0);
    expect(io.out()).toBe('==> a <==\npod-1\n==> b <==\npod-2\n');
    expect(io.err()).toBe('kubently: 2 of 2 cluster(s) answered\n');

    const mixed = createTestIo();
    const code = printFanOutResult(
      answer([
        ok('a', 1, ''),
        {
          clusterId: 'b',
          status: 'error',
          error: { code: 'policy_denied', message: 'verb "delete" is not allowed' },
        },
      ]),
      mixed,
    );
    expect(code).toBe(1);
    expect(mixed.out()).toBe('==> a <==\n==> b <==\n');
    expect(mixed.err()).toBe(
      'error: boom\nkubently: b: policy_denied: verb "delete" is not allowed\nkubently: 1 of 2 cluster(s) answered, 1 without a result\n',
    );
  });

  it('exits 1 and says how to add a cluster when the key sees none', () => {
    const io = createTestIo();
    expect(printFanOutResult(answer([]), io)).toBe(1);
    expect(io.err()).toContain('kubently clusters add');
  });

  it('shows a control sequence in a server error message escaped, never raw', () => {
    const io = createTestIo();
    printFanOutResult(
      answer([
        {
          clusterId: 'b',
          status: 'error',
          error: { code: 'internal', message: 'x\u001b]52;c;ZXZpbA==\u0007' },
        },
      ]),
      io,
    );
    expect(io.err()).not.toContain('\u001b');
    expect(io.err()).toContain('\\x1b]52');
  });
});
