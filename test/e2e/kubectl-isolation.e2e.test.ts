import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { commandResponseSchema } from '@kubently/protocol';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse, stringify } from 'yaml';

import { startInProcessRelay } from './in-process-relay.js';
import type { InProcessRelay } from './in-process-relay.js';
import './testbed-context.js';

/**
 * The real HOME when a credential plugin needs it: a kubeconfig whose user runs an exec plugin that,
 * like aws or gke-gcloud-auth-plugin, reads its configuration under HOME. kubectl keeps that HOME
 * (and still runs with KUBERC=off, so the hostile kuberc there does nothing) in the executor and in
 * the CLI's local modes. The private-HOME case is covered by secret-surfaces.e2e.test.ts.
 */
const testbed = inject('testbed');
const cliBin = fileURLToPath(new URL('../../apps/cli/bin/kubently.js', import.meta.url));
const run = promisify(execFile);
const adminKey = 'isolation-admin-key-0123456789abcdef';

const hostileKuberc = `apiVersion: kubectl.config.k8s.io/v1beta1
kind: Preference
defaults:
- command: get
  options:
  - name: output
    default: yaml
`;

interface Kubeconfig {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  users: { name: string; user: { token?: string } }[];
}

describe('kubectl with an exec credential plugin', { timeout: 300_000 }, () => {
  let home: string;
  let kubeconfig: string;
  let homesLog: string;
  let relay: InProcessRelay;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'kubently-plugin-home-'));
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'kuberc'), hostileKuberc);
    const original = parse(readFileSync(testbed.kubeconfig, 'utf8')) as Kubeconfig;
    const [cluster] = original.clusters;
    const token = original.users[0]?.user.token ?? '';
    // The plugin's "configuration": found only under the real HOME.
    writeFileSync(join(home, '.plugin-token'), token);
    homesLog = join(home, 'plugin-homes.log');
    const plugin = join(home, 'credential-plugin.sh');
    writeFileSync(
      plugin,
      `#!/bin/sh\necho "$HOME" >>'${homesLog}'\ntoken=$(cat "$HOME/.plugin-token") || exit 1\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\\n' "$token"\n`,
    );
    chmodSync(plugin, 0o755);
    kubeconfig = join(home, 'plugin-kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [cluster],
        users: [
          {
            name: 'plugin-user',
            user: {
              exec: {
                apiVersion: 'client.authentication.k8s.io/v1',
                command: plugin,
                interactiveMode: 'Never',
              },
            },
          },
        ],
        contexts: [{ name: 'plugin', context: { cluster: cluster?.name, user: 'plugin-user' } }],
        'current-context': 'plugin',
      }),
    );
    relay = await startInProcessRelay(testbed, adminKey, { home, kubeconfig });
  });

  afterAll(async () => {
    await relay.close();
    rmSync(home, { recursive: true, force: true });
  });

  const homesSeen = (): string[] => readFileSync(homesLog, 'utf8').trim().split('\n');

  it('the executor keeps the real HOME for the plugin, and KUBERC=off still applies', async () => {
    const answer = await fetch(`${relay.server.url}/v1/commands`, {
      method: 'POST',
      headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
      body: JSON.stringify({ clusterId: relay.clusterId, args: ['get', 'namespaces', 'default'] }),
    });
    const response = commandResponseSchema.parse(await answer.json());
    expect(response.status, response.stderr).toBe('succeeded');
    // A table: the kuberc's `-o yaml` default did not apply.
    expect(response.stdout).toMatch(/^NAME\s+STATUS\s+AGE\ndefault\s+Active/);
    expect(new Set(homesSeen())).toEqual(new Set([home]));
    // The discovery cache stays private even with the real HOME.
    expect(existsSync(join(home, '.kube', 'cache'))).toBe(false);
  });

  it('the local modes keep the real HOME for the plugin too', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        cliBin,
        'diagnose',
        '--kubeconfig',
        kubeconfig,
        '--kubectl',
        testbed.kubectl,
        '-n',
        'default',
        '-o',
        'json',
      ],
      { env: { PATH: process.env['PATH'] ?? '', HOME: home, KUBENTLY_CONFIG_DIR: home } },
    ).catch((error: unknown) => error as { stdout: string });
    expect(stdout).toContain('"findings"');
    expect(new Set(homesSeen())).toEqual(new Set([home]));
    expect(existsSync(join(home, '.kube', 'cache'))).toBe(false);
  });
});
