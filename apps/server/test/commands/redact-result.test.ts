import { defaultPolicyConfig, parsePolicyConfig } from '@kubently/policy';
import type { Command, CommandResult } from '@kubently/protocol';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

import { redactResult } from '../../src/commands/redact-result.js';

const password = 'c3VwZXJzZWNyZXQtdmFsdWU=';
const secretYaml = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: ${password}\n`;

const command = (args: string[]): Command => ({
  id: 'cmd-1',
  clusterId: 'prod',
  args,
  timeoutSeconds: 10,
  correlationId: 'corr',
  issuedAt: new Date(0).toISOString(),
});
const result = (stdout: string, extra: Partial<CommandResult> = {}): CommandResult => ({
  commandId: 'cmd-1',
  exitCode: 0,
  stdout,
  stderr: '',
  durationMs: 1,
  truncated: false,
  redactions: 0,
  executorId: 'exec-1',
  ...extra,
});
const options = (mode: 'readOnly' | 'fullAccess' = 'readOnly') => ({
  policies: [
    mode === 'readOnly'
      ? defaultPolicyConfig('readOnly')
      : parsePolicyConfig({ mode: 'fullAccess', fullAccessAcknowledged: true }),
  ],
  logger: pino({ level: 'silent' }),
});

describe('redactResult', () => {
  it('redacts by the command the server stored, with the cluster policy', () => {
    const checked = redactResult(
      command(['get', 'secret', 'db', '-o', 'yaml']),
      result(secretYaml),
      options(),
    );
    expect(checked.stdout).not.toContain(password);
    expect(checked.redactions).toBe(1);
  });

  it('reads a command the reported mode no longer allows under full access with the same restrictions', () => {
    // Submitted while the executor reported fullAccess; the result arrives after it reported readOnly.
    const checked = redactResult(
      command(['apply', 'view-last-applied', 'secret/db']),
      result(secretYaml),
      options('readOnly'),
    );
    expect(checked.stdout).not.toContain(password);
  });

  it('withholds the output of a command no policy reads (the cluster now restricts what it names)', () => {
    const restricted = parsePolicyConfig({ restrictedResources: ['secrets'] });
    const checked = redactResult(command(['get', 'secret', 'db', '-o', 'yaml']), result(secretYaml), {
      ...options(),
      policies: [restricted],
    });
    expect(checked.stdout).not.toContain(password);
    expect(checked.stdout).toMatch(/cannot check its output/);
    expect(checked.redactions).toBe(1);
  });

  it('returns the very same result when there is nothing to redact', () => {
    const posted = result('NAME   READY\nweb    1/1\n');
    expect(redactResult(command(['get', 'pods']), posted, options())).toBe(posted);
    const empty = result('', { failure: { code: 'command_timeout', message: 'x' } });
    expect(redactResult(command(['get', 'secrets', '-o', 'yaml']), empty, options())).toBe(empty);
  });
});
