import { describe, expect, it } from 'vitest';

import {
  clusterIdSchema,
  commandRequestSchema,
  commandResultSchema,
  errorBodySchema,
  executorFrameSchema,
  seedExecuteRequestSchema,
} from '@kubently/protocol';

describe('commandRequestSchema', () => {
  it('accepts an argv request and a string request', () => {
    expect(commandRequestSchema.safeParse({ clusterId: 'prod', args: ['get', 'pods'] }).success).toBe(true);
    expect(commandRequestSchema.safeParse({ clusterId: 'prod', command: 'get pods -A' }).success).toBe(true);
  });

  it('requires exactly one of args and command, and says so', () => {
    const both = commandRequestSchema.safeParse({ clusterId: 'prod', args: ['get'], command: 'get pods' });
    const neither = commandRequestSchema.safeParse({ clusterId: 'prod' });
    expect(both.success).toBe(false);
    expect(neither.success).toBe(false);
    expect(neither.error?.issues[0]?.message).toContain('exactly one of "args"');
  });

  it('rejects unknown fields, bad cluster ids and out-of-range timeouts', () => {
    expect(commandRequestSchema.safeParse({ clusterId: 'prod', args: ['get'], shell: true }).success).toBe(
      false,
    );
    expect(commandRequestSchema.safeParse({ clusterId: 'Prod_1', args: ['get'] }).success).toBe(false);
    expect(
      commandRequestSchema.safeParse({ clusterId: 'prod', args: ['get'], timeoutSeconds: 301 }).success,
    ).toBe(false);
    expect(commandRequestSchema.safeParse({ clusterId: 'prod', args: [] }).success).toBe(false);
  });
});

describe('clusterIdSchema', () => {
  it.each(['a', 'prod', 'prod-eu-1', '0abc'])('accepts %s', (id) => {
    expect(clusterIdSchema.safeParse(id).success).toBe(true);
  });
  it.each(['', '-prod', 'prod-', 'PROD', 'a_b', 'a.b', 'x'.repeat(64), '../etc'])('rejects %j', (id) => {
    expect(clusterIdSchema.safeParse(id).success).toBe(false);
  });
});

describe('executorFrameSchema', () => {
  it('discriminates on type and validates the embedded command', () => {
    const frame = executorFrameSchema.parse({
      type: 'command',
      command: {
        id: 'c1',
        clusterId: 'prod',
        args: ['get', 'pods'],
        timeoutSeconds: 10,
        correlationId: 'corr',
        issuedAt: '2026-11-24T00:00:00.000Z',
      },
    });
    expect(frame.type).toBe('command');
    expect(executorFrameSchema.safeParse({ type: 'command', command: { id: 'c1' } }).success).toBe(false);
    expect(executorFrameSchema.safeParse({ type: 'shell', command: 'rm -rf /' }).success).toBe(false);
  });
});

describe('commandResultSchema and errorBodySchema', () => {
  it('requires the full result and only known error codes', () => {
    expect(
      commandResultSchema.safeParse({
        commandId: 'c1',
        exitCode: 0,
        stdout: '',
        stderr: '',
        durationMs: 3,
        truncated: false,
        redactions: 0,
      }).success,
    ).toBe(true);
    expect(commandResultSchema.safeParse({ commandId: 'c1', exitCode: 0 }).success).toBe(false);
    expect(errorBodySchema.safeParse({ error: { code: 'policy_denied', message: 'no' } }).success).toBe(true);
    expect(errorBodySchema.safeParse({ error: { code: 'teapot', message: 'no' } }).success).toBe(false);
  });
});

describe('seedExecuteRequestSchema', () => {
  it('fills the seed defaults', () => {
    const parsed = seedExecuteRequestSchema.parse({ cluster_id: 'kind', args: ['pods'] });
    expect(parsed).toMatchObject({ command_type: 'get', namespace: 'default', timeout_seconds: 10 });
  });
});
