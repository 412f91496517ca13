import type { RunningServer } from '@kubently/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { run } from '../src/run.js';
import { adminKey, startTestExecutor, startTestServer } from './support/start-stack.js';
import { createTestIo, makeTempDir } from './support/test-io.js';

/** `kubently manifests` minting the token on a real server, and the token it embeds working. */
let server: RunningServer;
let configDir: string;

async function kubently(args: string[]) {
  const io = createTestIo({
    env: { KUBENTLY_CONFIG_DIR: configDir, KUBENTLY_API_URL: server.url, KUBENTLY_API_KEY: adminKey },
  });
  const code = await run(args, io);
  return { code, out: io.out(), err: io.err() };
}

function tokenIn(text: string): string {
  const secret = parseAllDocuments(text)
    .map((document) => document.toJS() as { kind?: string; data?: { token: string } } | null)
    .find((object) => object?.kind === 'Secret');
  return Buffer.from(secret?.data?.token ?? '', 'base64').toString();
}

beforeAll(async () => {
  configDir = await makeTempDir();
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('kubently manifests against a server', () => {
  it('registers the cluster, embeds a token that connects, and refuses to mint it twice', async () => {
    const first = await kubently(['manifests', 'edge', '--executor-api-url', 'https://kubently.example.com']);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    const token = tokenIn(first.out);
    expect(token).toMatch(/\S{32,}/);
    const executor = await startTestExecutor(server.url, 'edge', token);
    try {
      let connected = false;
      for (let attempt = 0; attempt < 200 && !connected; attempt += 1) {
        const { out } = await kubently(['clusters', 'list', '-o', 'json']);
        const { clusters } = JSON.parse(out) as { clusters: { id: string; connected: boolean }[] };
        connected = clusters.some((cluster) => cluster.id === 'edge' && cluster.connected);
        if (!connected) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(connected).toBe(true);
    } finally {
      await executor.close();
    }

    const again = await kubently(['manifests', 'edge']);
    expect(again.code).not.toBe(0);
    expect(again.err).toContain('--rotate-token');

    const rotated = await kubently(['manifests', 'edge', '--rotate-token']);
    expect(rotated.code).toBe(0);
    expect(tokenIn(rotated.out)).not.toBe(token);
  });

  it('clusters add prints the one command to run against the target cluster', async () => {
    const added = await kubently(['clusters', 'add', 'remote']);
    expect(added.code).toBe(0);
    const line = added.out.split('\n').find((text) => text.includes(' manifests remote '));
    expect(line).toMatch(
      new RegExp(
        `kubently manifests remote --token \\S+ --api-url ${server.url.replace(/[.]/g, '\\.')} \\| kubectl apply -f -$`,
      ),
    );
  });
});
