import { describe, expect, it } from 'vitest';

import {
  commandSchema,
  executorCapabilitiesSchema,
  readArgv,
  readListSchema,
  readRequestSchema,
  readResourceName,
} from '../src/index.js';

describe('readRequestSchema', () => {
  it('accepts a core and a grouped collection, with scope, page size, continue and table', () => {
    expect(readRequestSchema.parse({ group: '', version: 'v1', resource: 'pods' })).toEqual({
      group: '',
      version: 'v1',
      resource: 'pods',
    });
    const read = readRequestSchema.parse({
      group: 'networking.k8s.io',
      version: 'v1',
      resource: 'ingresses',
      namespace: 'shop',
      pageSize: 200,
      continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ',
      as: 'table',
    });
    expect(read.as).toBe('table');
  });

  it.each([
    [{ group: 'Apps', version: 'v1', resource: 'deployments' }, 'group'],
    [{ group: '', version: '1', resource: 'pods' }, 'version'],
    [{ group: '', version: 'v1', resource: 'pods/log' }, 'resource'],
    [{ group: '', version: 'v1', resource: 'pods', namespace: 'Bad_NS' }, 'namespace'],
    [{ group: '', version: 'v1', resource: 'pods', pageSize: 0 }, 'pageSize'],
    [{ group: '', version: 'v1', resource: 'pods', pageSize: 5001 }, 'pageSize'],
    [{ group: '', version: 'v1', resource: 'pods', as: 'yaml' }, 'as'],
    [{ group: '', version: 'v1', resource: 'pods', path: '/api/v1/secrets' }, ''],
  ])('refuses %j, naming %s', (input, field) => {
    const parsed = readRequestSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    if (!parsed.success && field !== '') expect(parsed.error.issues[0]?.path).toEqual([field]);
  });
});

describe('readArgv', () => {
  it('is the kubectl argv that lists the same collection, in every namespace or one', () => {
    expect(readArgv({ group: '', version: 'v1', resource: 'secrets' })).toEqual([
      'get',
      'secrets',
      '-A',
      '-o',
      'json',
    ]);
    expect(
      readArgv({ group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', namespace: 'x' }),
    ).toEqual(['get', 'horizontalpodautoscalers.v2.autoscaling', '-n', 'x', '-o', 'json']);
    expect(readResourceName({ group: 'apps', version: 'v1', resource: 'deployments' })).toBe(
      'deployments.v1.apps',
    );
  });
});

describe('command and capabilities carry the read', () => {
  const command = {
    id: 'c1',
    clusterId: 'prod',
    args: ['get', 'pods', '-A', '-o', 'json'],
    timeoutSeconds: 30,
    correlationId: 'corr',
    issuedAt: '2026-12-03T18:00:00.000Z',
  };

  it('keeps Command.read through a parse (the queue and the SSE frame parse commands)', () => {
    const read = { group: '', version: 'v1', resource: 'pods' };
    expect(commandSchema.parse({ ...command, read }).read).toEqual(read);
    expect(commandSchema.safeParse({ ...command, read: { group: '', version: 'v1' } }).success).toBe(false);
  });

  it('parses capabilities with and without the read capability', () => {
    const base = {
      executorId: 'e1',
      executorVersion: '0.1.0',
      mode: 'readOnly',
      kubectlVersion: null,
      kubernetesVersion: null,
      maxConcurrency: 4,
      transport: 'sse',
    };
    expect(executorCapabilitiesSchema.parse(base).read).toBeUndefined();
    expect(
      executorCapabilitiesSchema.parse({ ...base, read: { maxPageSize: 5000, table: true } }).read,
    ).toEqual({
      maxPageSize: 5000,
      table: true,
    });
  });

  it('reads the continue token of a List, and kubectl output without one', () => {
    expect(
      readListSchema.parse({ kind: 'List', metadata: { continue: 'abc' }, items: [] }).metadata?.continue,
    ).toBe('abc');
    expect(readListSchema.parse({ apiVersion: 'v1', kind: 'List', items: [{}] }).metadata).toBeUndefined();
  });
});
