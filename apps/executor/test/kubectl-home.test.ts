import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { prepareKubectlHome } from '../src/runner/kubectl-home.js';
import { silentLogger } from './support/silent-logger.js';

/**
 * A stand-in for the kubectl binary that records the environment it ran with and answers
 * `config view --minify -o json` with the user written in its folder's `config.json` (the real kubectl's
 * answer for an exec plugin is checked in test/e2e/kubectl-isolation.e2e.test.ts).
 */
function fakeKubectl(user: Record<string, unknown>): { path: string; seen: () => Record<string, string>[] } {
  const dir = mkdtempSync(join(tmpdir(), 'kubently-fake-kubectl-home-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ users: [{ name: 'u', user }] }));
  const path = join(dir, 'kubectl');
  writeFileSync(
    path,
    `#!/bin/sh
printf '{"home":"%s","cache":"%s","kuberc":"%s","kubeconfig":"%s","args":"%s"}\\n' "$HOME" "$KUBECACHEDIR" "$KUBERC" "$KUBECONFIG" "$*" >>'${dir}/seen.jsonl'
[ "$1" = config ] && cat '${dir}/config.json'
exit 0
`,
  );
  chmodSync(path, 0o755);
  return {
    path,
    seen: () =>
      (existsSync(join(dir, 'seen.jsonl')) ? readFileSync(join(dir, 'seen.jsonl'), 'utf8') : '')
        .trim()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, string>),
  };
}

describe('prepareKubectlHome', () => {
  it('gives kubectl a private HOME and cache directory, KUBERC=off, and removes them', async () => {
    const kubectl = fakeKubectl({ token: 'REDACTED' });
    const home = await prepareKubectlHome({
      kubectl: kubectl.path,
      environment: { PATH: '/usr/bin:/bin', KUBECONFIG: '/etc/kube/config' },
      home: '/home/operator',
      logger: silentLogger,
    });
    const { HOME: privateHome = '', KUBECACHEDIR: cache = '' } = home.environment;
    expect(home.environment).toEqual({
      PATH: '/usr/bin:/bin',
      KUBECONFIG: '/etc/kube/config',
      KUBERC: 'off',
      HOME: privateHome,
      KUBECACHEDIR: cache,
    });
    expect(home.keepsRealHome).toBe(false);
    expect(privateHome).not.toBe('/home/operator');
    expect(statSync(privateHome).mode & 0o777).toBe(0o700);
    // The probe itself already ran isolated.
    expect(kubectl.seen()).toEqual([
      {
        home: privateHome,
        cache,
        kuberc: 'off',
        kubeconfig: '/etc/kube/config',
        args: 'config view --minify -o json',
      },
    ]);
    await home.remove();
    expect(existsSync(privateHome)).toBe(false);
    await home.remove();
  });

  it('keeps the real HOME when the kubeconfig user runs a credential plugin (the cache stays private)', async () => {
    for (const user of [
      { exec: { command: 'aws', args: ['eks', 'get-token'], apiVersion: 'client.authentication.k8s.io/v1' } },
      { 'auth-provider': { name: 'oidc' } },
    ]) {
      const kubectl = fakeKubectl(user);
      const home = await prepareKubectlHome({
        kubectl: kubectl.path,
        environment: { PATH: '/usr/bin:/bin' },
        home: '/home/operator',
        logger: silentLogger,
      });
      expect(home.environment['HOME']).toBe('/home/operator');
      expect(home.environment['KUBERC']).toBe('off');
      expect(home.environment['KUBECACHEDIR']).toMatch(/kubently-kubectl-.*\/cache$/);
      expect(home.keepsRealHome).toBe(true);
      await home.remove();
    }
  });

  it('keeps the HOME the operator passed through KUBENTLY_KUBECTL_ENV without probing', async () => {
    const kubectl = fakeKubectl({});
    const home = await prepareKubectlHome({
      kubectl: kubectl.path,
      environment: { HOME: '/home/chosen', KUBERC: '/home/chosen/.kube/kuberc' },
      home: '/home/operator',
      logger: silentLogger,
    });
    expect(home.environment['HOME']).toBe('/home/chosen');
    expect(home.environment['KUBERC']).toBe('off');
    expect(kubectl.seen()).toEqual([]);
    await home.remove();
  });

  it('says what to fix when the temporary directory is not writable', async () => {
    const saved = process.env['TMPDIR'];
    process.env['TMPDIR'] = '/nonexistent/kubently-tmp';
    try {
      await expect(
        prepareKubectlHome({ kubectl: 'kubectl', environment: {}, home: null, logger: silentLogger }),
      ).rejects.toThrow(/cannot create kubectl's private HOME in \/nonexistent\/kubently-tmp.*TMPDIR/);
    } finally {
      if (saved === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = saved;
    }
  });

  it('falls back to the private HOME when kubectl cannot be started', async () => {
    const home = await prepareKubectlHome({
      kubectl: '/nonexistent/kubectl',
      environment: {},
      home: '/home/operator',
      logger: silentLogger,
    });
    expect(home.keepsRealHome).toBe(false);
    await home.remove();
  });
});
