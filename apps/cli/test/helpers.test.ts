import { describe, expect, it } from 'vitest';

import { maskKey } from '../src/config/index.js';
import { parseSince, renderTable } from '../src/format/index.js';
import { clusterIdFromContext } from '../src/up/cluster-id-from-context.js';
import { generateApiKey } from '../src/up/generate-api-key.js';
import { resolveAdminKey } from '../src/up/resolve-admin-key.js';

describe('clusterIdFromContext', () => {
  it.each([
    ['kind-kind', 'kind-kind'],
    ['Docker-Desktop', 'docker-desktop'],
    ['arn:aws:eks:eu-west-1:123456789012:cluster/prod', 'arn-aws-eks-eu-west-1-123456789012-cluster-prod'],
    ['gke_my-project_europe-west1_prod', 'gke-my-project-europe-west1-prod'],
    ['admin@k3s', 'admin-k3s'],
    ['--', 'local'],
    ['-x-', 'x'],
    [`${'a'.repeat(62)}-b`, 'a'.repeat(62)],
  ])('%s → %s', (context, expected) => {
    const id = clusterIdFromContext(context);
    expect(id).toBe(expected);
    expect(id).toMatch(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
  });
});

describe('parseSince', () => {
  const now = new Date('2026-01-31T12:00:00.000Z');
  it.each([
    ['30m', '2026-01-31T11:30:00.000Z'],
    ['2h', '2026-01-31T10:00:00.000Z'],
    ['1d', '2026-01-30T12:00:00.000Z'],
    ['45s', '2026-01-31T11:59:15.000Z'],
    ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z'],
    ['2026-01-01T01:00:00+01:00', '2026-01-01T00:00:00.000Z'],
  ])('%s → %s', (raw, expected) => {
    expect(parseSince(raw, now)).toBe(expected);
  });
  it.each(['yesterday', '30', '5w', '', '2026-13-45'])('rejects %j', (raw) => {
    expect(() => parseSince(raw, now)).toThrow(/--since must be/);
  });
});

describe('renderTable', () => {
  it('pads every column but the last', () => {
    expect(
      renderTable(
        ['A', 'LONGER'],
        [
          ['xyz', '1'],
          ['q', ''],
        ],
      ),
    ).toBe('A    LONGER\nxyz  1\nq\n');
  });
});

describe('maskKey and generateApiKey', () => {
  it('masks all but a recognisable prefix and suffix', () => {
    expect(maskKey('kbt_abcdefghijklmnop')).toBe('kbt_****op');
    expect(maskKey('short')).toBe('****');
    expect(maskKey(undefined)).toBe('(none)');
  });
  it('generates distinct, long, URL-safe keys', () => {
    let counter = 0;
    const bytes = (size: number): Uint8Array => new Uint8Array(size).fill((counter += 1));
    const a = generateApiKey(bytes);
    const b = generateApiKey(bytes);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^kbt_[A-Za-z0-9_-]{43}$/);
  });
});

describe('resolveAdminKey', () => {
  const generate = (): string => 'kbt_generated-key-000000';
  it('prefers the first admin key of KUBENTLY_API_KEYS and keeps all configured keys', () => {
    const configured = [
      { identity: 'viewer', key: 'v'.repeat(16), role: 'viewer' as const },
      { identity: 'ops', key: 'o'.repeat(16), role: 'admin' as const },
    ];
    expect(resolveAdminKey(configured, 's'.repeat(20), generate)).toEqual({
      key: 'o'.repeat(16),
      source: 'environment',
      apiKeys: configured,
    });
  });
  it('returns null when the configured keys hold no admin', () => {
    expect(
      resolveAdminKey([{ identity: 'v', key: 'v'.repeat(16), role: 'viewer' }], undefined, generate),
    ).toBeNull();
  });
  it('reuses a saved key, else generates one', () => {
    expect(resolveAdminKey([], 's'.repeat(20), generate)).toMatchObject({
      key: 's'.repeat(20),
      source: 'config',
    });
    expect(resolveAdminKey([], 'short', generate)).toMatchObject({
      key: 'kbt_generated-key-000000',
      source: 'generated',
    });
  });
});
