import { execFileSync } from 'node:child_process';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, describe, expect, inject, it } from 'vitest';

import '../../../test/e2e/testbed-context.js';
import { run } from '../src/run.js';
import { assertBuilt, spawnCli } from './support/spawn-cli.js';
import type { CliProcess } from './support/spawn-cli.js';
import { createTestIo, makeTempDir } from './support/test-io.js';

/**
 * The README's first command against a real cluster: the built `kubently up` with the testbed's
 * kubeconfig and real kubectl, then `kubently exec` as a user would type it.
 */
const testbed = inject('testbed');
let up: CliProcess | undefined;

afterAll(async () => {
  if (up !== undefined && up.child.exitCode === null) {
    up.child.kill('SIGKILL');
    await up.exited;
  }
});

describe('kubently up against the testbed', () => {
  it('connects an executor for the current context; exec runs real kubectl through it', async () => {
    await assertBuilt();
    const home = await makeTempDir('kubently-e2e-home-');
    const kubeconfig = join(home, 'kubeconfig');
    await copyFile(testbed.kubeconfig, kubeconfig);
    up = spawnCli(['up', '--port', '0'], {
      PATH: `${testbed.binDir}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
      HOME: home,
      KUBECONFIG: kubeconfig,
      KUBENTLY_KUBECTL: testbed.kubectl,
    });
    const [, clusterId] = await up.waitForOutput(
      /^ {2}Cluster: {2}(\S+) {2}\(kubeconfig context "[^"]+", executor connected/m,
      60_000,
    );
    await up.waitForOutput(/^Or over HTTP:/m);

    // The user switches kubectl to another (dead) cluster: the executor keeps its pinned context.
    const kubectl = (...args: string[]): void => {
      execFileSync(testbed.kubectl, args, { env: { KUBECONFIG: kubeconfig }, stdio: 'ignore' });
    };
    kubectl('config', 'set-cluster', 'dead', '--server=https://127.0.0.1:1');
    kubectl('config', 'set-context', 'elsewhere', '--cluster=dead');
    kubectl('config', 'use-context', 'elsewhere');

    const namespaces = createTestIo({ env: { HOME: home } });
    const code = await run(
      ['exec', clusterId!, '--timeout', '30', '--', 'get', 'namespaces', '-o', 'name'],
      namespaces,
    );
    expect(namespaces.err()).toBe('');
    expect(code).toBe(0);
    expect(namespaces.out()).toContain('namespace/kube-system');

    const missing = createTestIo({ env: { HOME: home } });
    expect(
      await run(['exec', clusterId!, '--', 'get', 'pod', 'kubently-no-such-pod', '-n', 'default'], missing),
    ).toBe(1);
    expect(missing.err()).toContain('NotFound');

    const denied = createTestIo({ env: { HOME: home } });
    expect(await run(['exec', clusterId!, '--', 'delete', 'namespace', 'default'], denied)).toBe(3);

    up.child.kill('SIGINT');
    expect(await up.exited).toBe(0);
  });
});
