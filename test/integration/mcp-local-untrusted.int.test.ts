import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { Client } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { planted, plantedNamespace } from '../fixtures/planted-cluster.js';
import { untrustedExposure } from '../fixtures/untrusted-oracle.js';

/**
 * `kubently mcp --kubeconfig` (the built CLI over stdio, the real MCP SDK client): kubectl output,
 * kubectl's stderr and the findings of a planted cluster reach the client only inside intact
 * untrusted blocks, in the text and in the structured result.
 */
const cliBin = fileURLToPath(new URL('../../apps/cli/bin/kubently.js', import.meta.url));
const plantedKubectl = fileURLToPath(new URL('../fixtures/planted-kubectl.ts', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;

let dir: string;
let client: Client;

const call = async (name: string, args: Record<string, unknown>): Promise<CallToolResult> =>
  await client.callTool({ name, arguments: args }, { timeout: 60_000 });
const seen = (result: CallToolResult): string =>
  `${result.content.map((block) => (block.type === 'text' ? block.text : '')).join('\n')}\n${JSON.stringify(result.structuredContent ?? {})}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubently-mcp-planted-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
  const kubectl = join(dir, 'kubectl');
  writeFileSync(
    kubectl,
    `#!/bin/sh\nexec '${process.execPath}' --import '${tsxLoader}' '${plantedKubectl}' "$@"\n`,
  );
  chmodSync(kubectl, 0o755);
  client = new Client({ name: 'kubently-planted', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [cliBin, 'mcp', '--kubeconfig', kubeconfig, '--context', 'planted', '--kubectl', kubectl],
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, KUBENTLY_CONFIG_DIR: dir },
      stderr: 'pipe',
    }),
  );
});

afterAll(async () => {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kubently mcp (local mode) quotes what the cluster wrote', { timeout: 120_000 }, () => {
  it.each([
    ['a log line', ['logs', 'api-1'], 'log line'],
    ['an object name in a NotFound error', ['get', 'pod', 'missing'], 'object name'],
  ])('in execute_kubectl: %s', async (_name, args, where) => {
    const result = await call('execute_kubectl', { clusterId: 'planted', args, namespace: plantedNamespace });
    expect(seen(result)).toContain(where);
    const exposure = untrustedExposure(seen(result), planted);
    expect(exposure.problems).toEqual([]);
    expect(exposure.outside).toBe(0);
    expect(exposure.inside).toBeGreaterThanOrEqual(2);
  });

  it('in diagnose_cluster and ask_kubently (engine): termination message, probe body, annotation', async () => {
    for (const [tool, args] of [
      ['diagnose_cluster', { clusterId: 'planted', namespaces: [plantedNamespace] }],
      ['ask_kubently', { question: 'why is the shop down?', namespace: plantedNamespace }],
    ] as const) {
      const result = await call(tool, args);
      expect(result.isError, seen(result)).toBeFalsy();
      for (const where of ['termination message', 'probe body', 'annotation'])
        expect(seen(result)).toContain(where);
      const exposure = untrustedExposure(seen(result), planted);
      expect(exposure.problems).toEqual([]);
      expect(exposure.outside).toBe(0);
    }
  });
});
