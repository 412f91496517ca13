import type { RunningServer } from '@kubently/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { issuedKeySchema, keyListSchema } from '@kubently/protocol';

import { run } from '../src/run.js';
import { adminKey, startTestServer } from './support/start-stack.js';
import { createTestIo, makeTempDir } from './support/test-io.js';

let server: RunningServer;
let configDir: string;

async function kubently(args: string[], key = adminKey) {
  const io = createTestIo({
    env: { KUBENTLY_CONFIG_DIR: configDir, KUBENTLY_API_URL: server.url, KUBENTLY_API_KEY: key },
  });
  const code = await run(args, io);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  configDir = await makeTempDir();
  server = await startTestServer();
  expect((await kubently(['clusters', 'add', 'prod', '-o', 'json'])).code).toBe(0);
  expect((await kubently(['clusters', 'add', 'staging', '-o', 'json'])).code).toBe(0);
});

afterAll(async () => {
  await server.close();
});

describe('kubently keys against a real server', () => {
  it('creates a scoped, expiring key once as JSON; the key works and sees only its clusters', async () => {
    const created = await kubently([
      'keys',
      'create',
      'ci-bot',
      '--role',
      'operator',
      '--clusters',
      'prod',
      '--service-identities',
      'deploy,ci',
      '--expires',
      '30d',
      '-o',
      'json',
    ]);
    expect(created.err).toBe('');
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/^\{\n {2}"key": "kbk_/);
    const issued = issuedKeySchema.parse(JSON.parse(created.out));
    expect(issued).toMatchObject({
      identity: 'ci-bot',
      role: 'operator',
      clusters: ['prod'],
      serviceIdentities: ['ci', 'deploy'],
      source: 'managed',
    });
    expect(Date.parse(issued.expiresAt ?? '') - Date.parse(issued.createdAt ?? '')).toBe(30 * 86_400_000);
    const seen = await kubently(['clusters', 'list', '-o', 'json'], issued.key);
    expect(seen.code).toBe(0);
    expect((JSON.parse(seen.out) as { clusters: { id: string }[] }).clusters.map((c) => c.id)).toEqual([
      'prod',
    ]);

    const listed = await kubently(['keys', 'list', '-o', 'json']);
    expect(listed.out).not.toContain(issued.key);
    expect(keyListSchema.parse(JSON.parse(listed.out)).keys.map((key) => key.identity)).toContain('ci-bot');
    const table = await kubently(['keys', 'list']);
    expect(table.out).toMatch(/IDENTITY\s+ROLE\s+CLUSTERS\s+SERVICES/);
    expect(table.out).toMatch(/ci-bot\s+operator\s+prod\s+ci,deploy\s+managed/);
  });

  it('rotates (old key works for the overlap) and revokes (the key stops at once)', async () => {
    const first = issuedKeySchema.parse(
      JSON.parse((await kubently(['keys', 'create', 'rotor', '--role', 'viewer', '-o', 'json'])).out),
    );
    const rotated = await kubently(['keys', 'rotate', 'rotor', '--overlap', '10m', '-o', 'json']);
    expect(rotated.code).toBe(0);
    const second = issuedKeySchema.parse(JSON.parse(rotated.out));
    expect(Date.parse(second.previousKeyExpiresAt ?? '') - Date.now()).toBeGreaterThan(9 * 60_000);
    expect((await kubently(['clusters', 'list'], first.key)).code).toBe(0);
    expect((await kubently(['clusters', 'list'], second.key)).code).toBe(0);
    const immediate = await kubently(['keys', 'rotate', 'rotor', '--overlap', '0s', '-o', 'json']);
    const third = issuedKeySchema.parse(JSON.parse(immediate.out));
    expect((await kubently(['clusters', 'list'], second.key)).code).not.toBe(0);
    const revoked = await kubently(['keys', 'revoke', 'rotor']);
    expect(revoked.code).toBe(0);
    expect(revoked.out).toContain('Revoked the key of rotor');
    const refused = await kubently(['clusters', 'list'], third.key);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/401|API key/);
  });

  it.each([
    [['keys', 'create', 'x', '--role', 'root'], '--role must be admin, operator or viewer; got "root"'],
    [['keys', 'create', 'x'], '--role is required'],
    [['keys', 'create', 'x', '--role', 'viewer', '--expires', '30days'], '--expires must be a duration like'],
    [['keys', 'create', 'x', '--role', 'viewer', '--scope', 'prod'], "Unknown option '--scope'"],
    [['keys', 'create', 'x', '--role', 'viewer', '--clusters', 'Prod!'], 'Prod!'],
    [['keys', 'rotate', 'x', '--overlap', 'soon'], '--overlap must be a duration like'],
    [['keys', 'revoke'], 'missing <identity>'],
  ])('refuses %j with a usage error naming the problem', async (args, words) => {
    const result = await kubently(args);
    expect(result.code).toBe(2);
    expect(result.err).toContain(words);
  });

  it('answers server refusals with the fix: duplicate identity, unknown identity, non-admin key', async () => {
    await kubently(['keys', 'create', 'twice', '--role', 'viewer']);
    const duplicate = await kubently(['keys', 'create', 'twice', '--role', 'viewer']);
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.err).toContain('kubently keys rotate twice');
    const unknown = await kubently(['keys', 'revoke', 'nobody']);
    expect(unknown.err).toContain('kubently keys list');
    const viewer = issuedKeySchema.parse(
      JSON.parse((await kubently(['keys', 'create', 'peeker', '--role', 'viewer', '-o', 'json'])).out),
    );
    const forbidden = await kubently(['keys', 'list'], viewer.key);
    expect(forbidden.code).not.toBe(0);
    expect(forbidden.err).toContain('lacks permission "keys:manage"');
  });
});
