import type { Command, CommandResult } from '@kubently/protocol';

export const makeCommand = (id: string, clusterId = 'prod', overrides: Partial<Command> = {}): Command => ({
  id,
  clusterId,
  args: ['get', 'pods'],
  timeoutSeconds: 10,
  correlationId: `corr-${id}`,
  issuedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

export const makeResult = (commandId: string, overrides: Partial<CommandResult> = {}): CommandResult => ({
  commandId,
  exitCode: 0,
  stdout: `out of ${commandId}`,
  stderr: '',
  durationMs: 5,
  truncated: false,
  redactions: 0,
  ...overrides,
});
