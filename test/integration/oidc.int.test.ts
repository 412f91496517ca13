import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Client as McpClient, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { auditListSchema, clusterListSchema } from '@kubently/protocol';
import { ConfigError, createConfig, parseEnvironment, start } from '@kubently/server';
import type { RunningServer } from '@kubently/server';

import { run as kubently } from '../../apps/cli/src/run.js';
import { createTestIo, makeTempDir } from '../../apps/cli/test/support/test-io.js';
import { a2aClient } from './support/a2a-client.js';
import { startOidcIssuer } from './support/oidc-issuer.js';
import type { OidcIssuer } from './support/oidc-issuer.js';

/**
 * Issue #14 item 2: bearer JWTs from a real OpenID Connect issuer (oidc-provider, in this process)
 * verified through discovery + JWKS; claims mapped to identity, role and cluster scope by the
 * KUBENTLY_OIDC_* variables. Expired, wrong-audience, wrong-issuer and unsigned tokens are refused;
 * a key rotation at the issuer needs no restart.
 */
const audience = 'https://kubently.test';
const rootKey = `root-${randomBytes(16).toString('hex')}`;

describe('OIDC bearer tokens', { timeout: 60_000 }, () => {
  let issuer: OidcIssuer;
  let stranger: OidcIssuer;
  let server: RunningServer;
  let offsetMs = 0;
  const clock = { now: () => Date.now() + offsetMs };

  const status = async (token: string, path = '/v1/clusters'): Promise<number> =>
    (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).status;
  const clustersSeen = async (token: string): Promise<string[]> => {
    const response = await fetch(`${server.url}/v1/clusters`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return clusterListSchema.parse(await response.json()).clusters.map((cluster) => cluster.id);
  };

  beforeAll(async () => {
    const clients = {
      'sre-bot': { email: 'sre@example.com', groups: ['sre-team'], kubently_clusters: ['oidc-alpha'] },
      'boss-bot': { email: 'boss@example.com', groups: ['platform-admins'], kubently_clusters: '*' },
      'unscoped-bot': { email: 'lost@example.com', groups: ['sre-team'] },
      'nobody-bot': { email: 'nobody@example.com', groups: ['marketing'] },
    };
    issuer = await startOidcIssuer(clients, audience);
    stranger = await startOidcIssuer(clients, audience);
    const fromEnvironment = parseEnvironment({
      KUBENTLY_API_KEYS: `root:${rootKey}:admin`,
      KUBENTLY_OIDC_ISSUER: issuer.issuer,
      KUBENTLY_OIDC_AUDIENCE: audience,
      KUBENTLY_OIDC_IDENTITY_CLAIM: 'email',
      KUBENTLY_OIDC_ROLE_CLAIM: 'groups',
      KUBENTLY_OIDC_ROLE_MAP: 'sre-team=operator,platform-admins=admin',
      KUBENTLY_OIDC_CLUSTERS_CLAIM: 'kubently_clusters',
      KUBENTLY_OIDC_CLOCK_TOLERANCE_SECONDS: '0',
    });
    server = await start(
      createConfig({ ...fromEnvironment, host: '127.0.0.1', port: 0, logLevel: 'silent' }),
      {
        logger: pino({ level: 'silent' }),
        clock,
        oidcJwks: { jwksCooldownMs: 0, jwksCacheMaxAgeMs: 0 },
      },
    );
    for (const id of ['oidc-alpha', 'oidc-bravo']) {
      const created = await fetch(`${server.url}/v1/clusters`, {
        method: 'POST',
        headers: { 'x-api-key': rootKey, 'content-type': 'application/json' },
        body: JSON.stringify({ id }),
      });
      expect(created.status).toBe(201);
    }
  });

  afterAll(async () => {
    await server.close();
    await Promise.all([issuer.close(), stranger.close()]);
  });

  it('maps claims to identity, role and cluster scope', async () => {
    const sre = await issuer.token('sre-bot');
    expect(await clustersSeen(sre)).toEqual(['oidc-alpha']);
    const boss = await issuer.token('boss-bot');
    expect(await clustersSeen(boss)).toEqual(['oidc-alpha', 'oidc-bravo']);
    // Operator: may run, may not read the audit; the audit names the token's email.
    expect(await status(sre, '/v1/audit')).toBe(403);
    const denied = await fetch(`${server.url}/v1/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sre}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clusterId: 'oidc-alpha', args: ['delete', 'pod', 'x'] }),
    });
    expect(denied.status).toBe(422);
    const audit = await fetch(`${server.url}/v1/audit`, { headers: { authorization: `Bearer ${boss}` } });
    const records = auditListSchema.parse(await audit.json()).records;
    expect(records[0]?.identity).toBe('sre@example.com');
    expect(records[0]?.role).toBe('operator');
    // With a clusters claim configured, a token without it sees no cluster at all (fail closed).
    expect(await clustersSeen(await issuer.token('unscoped-bot'))).toEqual([]);
    // A group that maps to no role (and no default role): refused.
    expect(await status(await issuer.token('nobody-bot'))).toBe(401);
  });

  it('is accepted by MCP and A2A clients sending Authorization: Bearer', async () => {
    const sre = await issuer.token('sre-bot');
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${sre}` } },
    });
    const client = new McpClient({ name: 'oidc-test', version: '1.0.0' });
    await client.connect(transport);
    const listed = JSON.stringify(await client.callTool({ name: 'list_clusters', arguments: {} }));
    await client.close();
    expect(listed).toContain('oidc-alpha');
    expect(listed).not.toContain('oidc-bravo');
    const card = await (
      await a2aClient(server.url)
    ).getAgentCard({ serviceParameters: { Authorization: `Bearer ${sre}` } });
    expect(card.name).not.toBe('');
  });

  it('refuses an expired token (by the injected clock), a wrong audience, another issuer and alg none', async () => {
    const valid = await issuer.token('boss-bot');
    expect(await status(valid)).toBe(200);
    offsetMs = 301_000;
    expect(await status(valid)).toBe(401);
    offsetMs = 0;
    expect(await status(await issuer.token('boss-bot', 'https://some-other-api.test'))).toBe(401);
    expect(await status(await stranger.token('boss-bot'))).toBe(401);
    const [, payload] = valid.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload ?? ''}.`;
    expect(await status(unsigned)).toBe(401);
    const tampered = `${valid.slice(0, -4)}AAAA`;
    expect(await status(tampered)).toBe(401);
  });

  it('follows a key rotation at the issuer without a restart, and drops retired keys', async () => {
    const before = await issuer.token('boss-bot');
    await issuer.rotate();
    const after = await issuer.token('boss-bot');
    expect(JSON.parse(Buffer.from(after.split('.')[0] ?? '', 'base64url').toString())).toMatchObject({
      kid: 'key-1',
    });
    expect(await status(after)).toBe(200);
    expect(await status(before)).toBe(200);
    await issuer.rotate({ retireOld: true });
    expect(await status(await issuer.token('boss-bot'))).toBe(200);
    expect(await status(after)).toBe(401);
    expect(await status(before)).toBe(401);
  });

  it('the CLI takes its token from KUBENTLY_TOKEN_COMMAND and runs it again only near expiry', async () => {
    const dir = await makeTempDir();
    const tokenFile = join(dir, 'token');
    const runs = join(dir, 'runs');
    await writeFile(tokenFile, await issuer.token('sre-bot'));
    await writeFile(runs, '');
    let now = new Date();
    const cli = async (): Promise<string[]> => {
      const io = createTestIo({
        env: {
          PATH: process.env['PATH'],
          KUBENTLY_CONFIG_DIR: dir,
          KUBENTLY_API_URL: server.url,
          KUBENTLY_TOKEN_COMMAND: `echo run >> '${runs}'; printf '{"status":{"token":"%s"}}' "$(cat '${tokenFile}')"`,
        },
        now: () => now,
      });
      const code = await kubently(['clusters', 'list', '-o', 'json'], io);
      expect(io.err()).toBe('');
      expect(code).toBe(0);
      return clusterListSchema.parse(JSON.parse(io.out())).clusters.map((cluster) => cluster.id);
    };
    expect(await cli()).toEqual(['oidc-alpha']);
    expect(await cli()).toEqual(['oidc-alpha']);
    expect((await readFile(runs, 'utf8')).split('\n').filter((line) => line !== '')).toHaveLength(1);
    // Past the token's expiry (less the margin) the command runs again for a fresh token.
    now = new Date(Date.now() + 290_000);
    await writeFile(tokenFile, await issuer.token('boss-bot'));
    offsetMs = 290_000;
    expect(await cli()).toEqual(['oidc-alpha', 'oidc-bravo']);
    offsetMs = 0;
    expect((await readFile(runs, 'utf8')).split('\n').filter((line) => line !== '')).toHaveLength(2);
  });

  it('names the variable and the fix in configuration errors', () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ KUBENTLY_OIDC_ISSUER: 'https://login.example.com' }, 'KUBENTLY_OIDC_AUDIENCE', /is required/],
      [{ KUBENTLY_OIDC_AUDIENCE: 'kubently' }, 'KUBENTLY_OIDC_AUDIENCE', /KUBENTLY_OIDC_ISSUER is not/],
      [
        {
          KUBENTLY_OIDC_ISSUER: 'https://x',
          KUBENTLY_OIDC_AUDIENCE: 'k',
          KUBENTLY_OIDC_ALGORITHMS: 'RS256,none',
        },
        'KUBENTLY_OIDC_ALGORITHMS',
        /never none or HS/,
      ],
      [
        {
          KUBENTLY_OIDC_ISSUER: 'https://x',
          KUBENTLY_OIDC_AUDIENCE: 'k',
          KUBENTLY_OIDC_ROLE_MAP: 'sre=root',
        },
        'KUBENTLY_OIDC_ROLE_MAP',
        /sre-team=operator/,
      ],
      [
        { KUBENTLY_OIDC_ISSUER: 'not a url', KUBENTLY_OIDC_AUDIENCE: 'k' },
        'KUBENTLY_OIDC_ISSUER',
        /issuer URL/,
      ],
    ];
    for (const [env, variable, message] of cases) {
      let caught: unknown;
      try {
        parseEnvironment(env);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).variable).toBe(variable);
      expect((caught as ConfigError).message).toMatch(message);
    }
  });
});
