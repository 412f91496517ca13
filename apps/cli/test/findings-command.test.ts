import type { RunningServer } from '@kubently/server';
import { findingListSchema } from '@kubently/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run } from '../src/run.js';
import { adminKey, startTestServer, viewerKey } from './support/start-stack.js';
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

const observation = (fingerprint: string, name: string) => ({
  fingerprint,
  rule: 'crash-loop',
  severity: 'critical' as const,
  resource: { kind: 'Deployment', namespace: 'shop', name },
  summary: `${name} is crash-looping`,
  rootCause: 'exit 1',
  remediation: 'fix it',
  evidence: [],
});

beforeAll(async () => {
  configDir = await makeTempDir();
  server = await startTestServer();
  // The real history port of the running server, as the watch loop writes it.
  const { findings } = server.services.state;
  await findings.observe({
    clusterId: 'prod',
    scope: 'prod',
    at: Date.parse('2026-01-01T10:00:00Z'),
    findings: [observation('f-api', 'api'), observation('f-web', 'web')],
    flapWindowMs: 0,
  });
  await findings.observe({
    clusterId: 'prod',
    scope: 'prod',
    at: Date.parse('2026-01-01T10:05:00Z'),
    findings: [observation('f-api', 'api')],
    flapWindowMs: 0,
  });
});

afterAll(async () => {
  await server.close();
});

describe('kubently findings', () => {
  it('shows open findings first with first/last seen and resolution, as a table', async () => {
    const result = await kubently(['findings']);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    const lines = result.out.trim().split('\n');
    expect(lines[0]).toMatch(
      /^STATUS\s+SEVERITY\s+CLUSTER\s+OBJECT\s+RULE\s+FIRST SEEN\s+LAST SEEN\s+RESOLVED\s+TIMES\s+FINGERPRINT/,
    );
    expect(lines[1]).toMatch(
      /^open\s+critical\s+prod\s+Deployment\/shop\/api\s+crash-loop\s+2026-01-01T10:00:00.000Z\s+2026-01-01T10:05:00.000Z\s+-\s+1\s+f-api$/,
    );
    expect(lines[2]).toMatch(
      /^resolved\s+critical\s+prod\s+Deployment\/shop\/web\s+.*2026-01-01T10:05:00.000Z\s+1\s+f-web$/,
    );
  });

  it('filters by status and cluster, answers JSON, and is readable by a viewer', async () => {
    const open = findingListSchema.parse(
      JSON.parse((await kubently(['findings', '--status', 'open', '-o', 'json'], viewerKey)).out),
    );
    expect(open.findings.map((finding) => finding.fingerprint)).toEqual(['f-api']);
    expect((await kubently(['findings', '--cluster', 'stage'])).out).toBe('No findings match.\n');
    const bad = await kubently(['findings', '--status', 'closed']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--status must be open, resolved or all, not "closed"');
  });
});
