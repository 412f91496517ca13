import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import {
  capMcpText,
  commandResultText,
  wrapUntrusted,
  diagnoseClusterOutputSchema,
  executeKubectlInputSchema,
  mcpToolNames,
  mcpTools,
  toMcpCommandResult,
  toMcpDiagnosis,
} from '@kubently/protocol';
import type { ReportLike } from '@kubently/protocol';

describe('mcpTools', () => {
  it('defines every named tool, read-only and non-destructive, with object input and output schemas', () => {
    expect(Object.keys(mcpTools).sort()).toEqual([...mcpToolNames].sort());
    for (const name of mcpToolNames) {
      const tool = mcpTools[name];
      expect(tool.name).toBe(name);
      expect(tool.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
      expect(z.toJSONSchema(tool.inputSchema)).toMatchObject({ type: 'object' });
      expect(z.toJSONSchema(tool.outputSchema, { io: 'output' })).toMatchObject({ type: 'object' });
    }
  });

  it('takes kubectl as an argv and refuses a shell string, unknown keys and empty args', () => {
    expect(executeKubectlInputSchema.safeParse({ clusterId: 'prod', args: ['get', 'pods'] }).success).toBe(
      true,
    );
    expect(executeKubectlInputSchema.safeParse({ clusterId: 'prod', args: 'get pods' }).success).toBe(false);
    expect(executeKubectlInputSchema.safeParse({ clusterId: 'prod', args: [] }).success).toBe(false);
    expect(
      executeKubectlInputSchema.safeParse({ clusterId: 'prod', args: ['get'], shell: true }).success,
    ).toBe(false);
  });
});

describe('capMcpText', () => {
  it('passes short text through untouched', () => {
    expect(capMcpText('a\nb\n', 10)).toEqual({ text: 'a\nb\n', isTruncated: false });
  });

  it('cuts at a line end and appends a marker saying how much was kept and how to narrow', () => {
    const text = 'line-0001\n'.repeat(100);
    const capped = capMcpText(text, 95);
    expect(capped.isTruncated).toBe(true);
    expect(capped.text.startsWith('line-0001\n'.repeat(9))).toBe(true);
    expect(capped.text).toContain('[OUTPUT TRUNCATED: showing the first 90 of 1000 characters.');
    expect(capped.text).toMatch(/Narrow the command/);
  });
});

describe('toMcpCommandResult and commandResultText', () => {
  it('reports a failure without an exit code and says why', () => {
    const result = toMcpCommandResult({
      id: 'c1',
      clusterId: 'prod',
      status: 'failed',
      args: ['get', 'pods'],
      stdout: '',
      stderr: 'no result within 10 s',
      failure: { code: 'command_timeout', message: 'no result within 10 s' },
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(result).toMatchObject({ commandId: 'c1', truncated: false, redactions: 0 });
    expect(result.exitCode).toBeUndefined();
    expect(commandResultText(result)).toBe(
      `kubectl get pods\nfailed: command_timeout\n\nmessage:\n${wrapUntrusted('no result within 10 s')}`,
    );
  });

  it('marks the result truncated when the executor cut the output', () => {
    const result = toMcpCommandResult({
      id: 'c2',
      clusterId: 'prod',
      status: 'succeeded',
      args: ['logs', 'web'],
      exitCode: 0,
      stdout: 'x\n',
      stderr: '',
      truncated: true,
      redactions: 2,
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(result.truncated).toBe(true);
    expect(commandResultText(result)).toContain('2 secret value(s) redacted; output truncated');
  });
});

describe('toMcpDiagnosis', () => {
  const finding = (id: string, causedBy: string[]) => ({
    id,
    rule: 'container-crash-loop',
    severity: 'critical' as const,
    resource: { kind: 'Pod', namespace: 'shop', name: `api-${id}` },
    summary: 'crash-looping',
    rootCause: 'DATABASE_URL is unset',
    remediation: 'set it',
    evidence: [
      { command: 'kubectl get pod api -n shop -o yaml' },
      { command: 'kubectl get pod api -n shop -o yaml' },
    ],
    causedBy,
  });
  const report: ReportLike = {
    findings: [finding('f1', [])],
    symptoms: [finding('f2', ['f1'])],
    summary: { rootCauses: 1, symptoms: 1, bySeverity: { critical: 2, warning: 0, info: 0 } },
    collectedAt: '2026-01-01T00:00:00.000Z',
    generatedAt: '2026-01-01T00:00:01.000Z',
    namespaces: ['shop'],
  };

  it('lists root causes then symptoms, with deduplicated evidence commands, matching the output schema', () => {
    const diagnosis = toMcpDiagnosis('prod', report);
    expect(diagnoseClusterOutputSchema.parse(diagnosis)).toEqual(diagnosis);
    expect(diagnosis.findings.map((item) => item.id)).toEqual(['f1', 'f2']);
    expect(diagnosis.findings[0]?.commands).toEqual(['kubectl get pod api -n shop -o yaml']);
    expect(diagnosis.summary).toEqual({ rootCauses: 1, symptoms: 1, critical: 2, warning: 0, info: 0 });
  });
});
