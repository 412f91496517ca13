import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import {
  commandResponseSchema,
  seedExecuteResponseSchema,
  untrustedEnd,
  untrustedStart,
} from '@kubently/protocol';
import { runKubectl } from '@kubently/testbed';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { startInProcessRelay } from './in-process-relay.js';
import type { InProcessRelay } from './in-process-relay.js';
import './testbed-context.js';

/**
 * No Secret value leaves Kubently, on any surface, with the real kubectl v1.35 on the testbed: a
 * service-account-token Secret whose token the controller-manager filled in, and an Opaque one,
 * read with describe and get through REST, the seed route, MCP over Streamable HTTP, `kubently
 * exec` (the built CLI), and the local modes `kubently mcp --kubeconfig` and `diagnose
 * --kubeconfig`. Every kubectl involved runs with a hostile kuberc in the HOME it would otherwise
 * use (defaults that make `get` print YAML), so this also proves KUBERC=off everywhere.
 */
const testbed = inject('testbed');
const cliBin = fileURLToPath(new URL('../../apps/cli/bin/kubently.js', import.meta.url));
const run = promisify(execFile);
const adminKey = 'surfaces-admin-key-0123456789abcdef';
const namespace = 'secret-surfaces';
const password = 'SURFACES-PASSWORD-VALUE';

const hostileKuberc = `apiVersion: kubectl.config.k8s.io/v1beta1
kind: Preference
defaults:
- command: get
  options:
  - name: output
    default: yaml
aliases:
- name: getall
  command: get
  prependArgs: [secrets]
`;

const kubectl = (args: readonly string[]) =>
  runKubectl(args, { kubectl: testbed.kubectl, kubeconfig: testbed.kubeconfig });

describe('Secret values on every surface', { timeout: 300_000 }, () => {
  let home: string;
  let relay: InProcessRelay;
  let token: string;

  /** Every form of a value that would count as a leak. */
  const leaksIn = (output: string): string[] => {
    const forms = [token, password].flatMap((value) => [value, Buffer.from(value).toString('base64')]);
    const pieces = [];
    for (let start = 0; start + 24 <= token.length; start += 24) pieces.push(token.slice(start, start + 24));
    return [...forms, ...pieces].filter((form) => output.includes(form));
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'kubently-surfaces-'));
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'kuberc'), hostileKuberc);
    await kubectl(['create', 'namespace', namespace]);
    await kubectl(['create', 'serviceaccount', 'robot', '-n', namespace]);
    await kubectl([
      'create',
      'secret',
      'generic',
      'app-creds',
      '-n',
      namespace,
      `--from-literal=password=${password}`,
    ]);
    const manifest = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'robot-token',
        namespace,
        annotations: { 'kubernetes.io/service-account.name': 'robot' },
      },
      type: 'kubernetes.io/service-account-token',
    });
    const created = await runKubectl(['create', '-f', '-'], {
      kubectl: testbed.kubectl,
      kubeconfig: testbed.kubeconfig,
      input: manifest,
    });
    expect(created.exitCode, created.stderr).toBe(0);
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const read = await kubectl([
        'get',
        'secret',
        'robot-token',
        '-n',
        namespace,
        '-o',
        'jsonpath={.data.token}',
      ]);
      token = Buffer.from(read.stdout, 'base64').toString('utf8');
      if (token !== '') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(token.length).toBeGreaterThan(100);
    relay = await startInProcessRelay(testbed, adminKey, { home });
  });

  afterAll(async () => {
    await relay.close();
    await kubectl(['delete', 'namespace', namespace, '--wait=false']);
    rmSync(home, { recursive: true, force: true });
  });

  it('the kuberc is hostile, and describe prints the token, when kubectl runs without Kubently', async () => {
    // Its own cache directory, so the last test can tell whether Kubently's kubectl used HOME's.
    const env = {
      PATH: process.env['PATH'] ?? '',
      HOME: home,
      KUBECONFIG: testbed.kubeconfig,
      KUBECACHEDIR: join(testbed.runDir, 'control-cache'),
    };
    const get = await run(testbed.kubectl, ['get', 'secret', 'app-creds', '-n', namespace], { env });
    expect(get.stdout).toContain(Buffer.from(password).toString('base64'));
    const described = await run(testbed.kubectl, ['describe', 'secret', 'robot-token', '-n', namespace], {
      env,
    });
    expect(described.stdout).toContain(token);
  });

  const commands: readonly (readonly string[])[] = [
    ['describe', 'secret', 'robot-token'],
    ['describe', 'secrets'],
    ['describe', 'secret/robot-token', 'secret/app-creds'],
    ['get', 'secret', 'robot-token', '-o', 'yaml'],
    ['get', 'secrets', '-o', 'json'],
    ['get', 'secrets'],
  ];

  /** MCP quotes cluster output for the client's model: the block is required, its content checked. */
  const unquoted = (quoted: string): string => {
    expect(quoted.startsWith(`${untrustedStart}\n`) && quoted.endsWith(`\n${untrustedEnd}`), quoted).toBe(
      true,
    );
    return quoted.slice(untrustedStart.length + 1, quoted.length - untrustedEnd.length - 1);
  };

  /** What every surface must show for a command: no value, but the keys and byte counts. */
  const checkOutput = (args: readonly string[], output: string): void => {
    expect(leaksIn(output), `${args.join(' ')}:\n${output}`).toEqual([]);
    if (args[0] === 'describe') {
      expect(output).toMatch(/token:\s+<redacted: \d+ bytes>|password:\s+23 bytes/);
      if (args.includes('robot-token')) expect(output).toContain(`<redacted: ${token.length} bytes>`);
      expect(output).toMatch(/namespace:\s+15 bytes/);
    } else if (args.includes('-o')) {
      expect(output).toMatch(/<redacted: \d+ bytes>/);
    } else {
      // A table, not the YAML the hostile kuberc asks for.
      expect(output).toMatch(/^NAME\s+TYPE\s+DATA\s+AGE/);
    }
  };

  it('REST /v1/commands', async () => {
    for (const args of commands) {
      const answer = await fetch(`${relay.server.url}/v1/commands`, {
        method: 'POST',
        headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
        body: JSON.stringify({ clusterId: relay.clusterId, args, namespace, timeoutSeconds: 30 }),
      });
      const response = commandResponseSchema.parse(await answer.json());
      expect(response.status, response.stderr).toBe('succeeded');
      checkOutput(args, response.stdout ?? '');
    }
  });

  it('seed route /debug/execute', async () => {
    for (const [verb = '', ...rest] of commands) {
      const answer = await fetch(`${relay.server.url}/debug/execute`, {
        method: 'POST',
        headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
        body: JSON.stringify({ cluster_id: relay.clusterId, command_type: verb, args: rest, namespace }),
      });
      const body = seedExecuteResponseSchema.parse(await answer.json());
      expect(body.status, body.error ?? '').toBe('success');
      checkOutput([verb, ...rest], body.output ?? '');
    }
  });

  it('MCP execute_kubectl over Streamable HTTP', async () => {
    const client = new Client(
      { name: 'surfaces', version: '1.0.0' },
      { versionNegotiation: { mode: 'legacy' } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${relay.server.url}/mcp`), {
        requestInit: { headers: { 'x-api-key': adminKey } },
      }),
    );
    try {
      for (const args of commands) {
        const result = await client.callTool({
          name: 'execute_kubectl',
          arguments: { clusterId: relay.clusterId, args, namespace },
        });
        expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
        checkOutput(args, unquoted((result.structuredContent as { stdout: string }).stdout));
        expect(leaksIn(JSON.stringify(result.content))).toEqual([]);
      }
    } finally {
      await client.close();
    }
  });

  it('kubently exec (the built CLI)', async () => {
    for (const args of commands) {
      const { stdout, stderr } = await run(
        process.execPath,
        [cliBin, 'exec', relay.clusterId, '-n', namespace, '--', ...args],
        {
          env: {
            PATH: process.env['PATH'] ?? '',
            HOME: home,
            KUBENTLY_CONFIG_DIR: home,
            KUBENTLY_API_URL: relay.server.url,
            KUBENTLY_API_KEY: adminKey,
          },
        },
      );
      checkOutput(args, stdout);
      expect(leaksIn(stderr)).toEqual([]);
    }
  });

  it('local kubently mcp --kubeconfig (stdio), with the hostile kuberc in its HOME', async () => {
    const client = new Client(
      { name: 'surfaces', version: '1.0.0' },
      { versionNegotiation: { mode: 'legacy' } },
    );
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [cliBin, 'mcp', '--kubeconfig', testbed.kubeconfig, '--kubectl', testbed.kubectl],
        env: {
          PATH: `${testbed.binDir}:${process.env['PATH'] ?? ''}`,
          HOME: home,
          KUBENTLY_CONFIG_DIR: home,
        },
        stderr: 'pipe',
      }),
    );
    try {
      const listed = await client.callTool({ name: 'list_clusters', arguments: {} });
      const [cluster] = (listed.structuredContent as { clusters: { id: string }[] }).clusters;
      for (const args of commands) {
        const result = await client.callTool({
          name: 'execute_kubectl',
          arguments: { clusterId: cluster?.id, args, namespace },
        });
        expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
        checkOutput(args, unquoted((result.structuredContent as { stdout: string }).stdout));
      }
    } finally {
      await client.close();
    }
  });

  it('local kubently diagnose --kubeconfig, with the hostile kuberc in its HOME', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        cliBin,
        'diagnose',
        '--kubeconfig',
        testbed.kubeconfig,
        '--kubectl',
        testbed.kubectl,
        '-n',
        namespace,
        '-o',
        'json',
      ],
      { env: { PATH: process.env['PATH'] ?? '', HOME: home, KUBENTLY_CONFIG_DIR: home } },
    ).catch((error: unknown) => error as { stdout: string });
    expect(stdout).toContain('"findings"');
    expect(leaksIn(stdout)).toEqual([]);
  });

  it('kubectl never wrote a discovery cache into the HOME it would otherwise use', () => {
    expect(existsSync(join(home, '.kube', 'cache'))).toBe(false);
  });
});
