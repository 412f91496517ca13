import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { openLocalKubectlHome } from '../src/local/index.js';

/** A stand-in kubectl answering `config view --minify -o json` with `user` (the real one: kubectl-isolation.e2e). */
function fakeKubectl(user: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubently-cli-fake-kubectl-'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ users: [{ name: 'u', user }] }));
  const path = join(dir, 'kubectl');
  writeFileSync(path, `#!/bin/sh\n[ "$1" = config ] && cat '${dir}/config.json'\nexit 0\n`);
  chmodSync(path, 0o755);
  return path;
}

function userHome(withKubeconfig: boolean): string {
  const home = mkdtempSync(join(tmpdir(), 'kubently-cli-home-'));
  if (withKubeconfig) {
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'config'), 'apiVersion: v1\nkind: Config\n');
  }
  return home;
}

describe('openLocalKubectlHome', () => {
  it('runs kubectl with KUBERC=off, a private HOME and cache, the user kubeconfig named, no KUBENTLY_*', async () => {
    const home = userHome(true);
    const opened = await openLocalKubectlHome({
      kubectl: fakeKubectl({ token: 'REDACTED' }),
      env: { PATH: '/bin', HOME: home, KUBENTLY_API_KEY: 'k', KUBECTL_KUBERC: 'true', KUBERC: '/x' },
      signal: new AbortController().signal,
    });
    const { HOME: privateHome = '', KUBECACHEDIR: cache = '' } = opened.env;
    expect(opened.env).toEqual({
      PATH: '/bin',
      KUBECONFIG: join(home, '.kube', 'config'),
      KUBERC: 'off',
      HOME: privateHome,
      KUBECACHEDIR: cache,
    });
    expect(privateHome).not.toBe(home);
    expect(opened.keepsRealHome).toBe(false);
    await opened.remove();
    expect(existsSync(privateHome)).toBe(false);
  });

  it("keeps the user's HOME when the kubeconfig user runs a credential plugin", async () => {
    const home = userHome(false);
    const opened = await openLocalKubectlHome({
      kubectl: fakeKubectl({ exec: { command: 'gke-gcloud-auth-plugin' } }),
      kubeconfig: '/path/to/kubeconfig',
      env: { PATH: '/bin', HOME: home },
      signal: new AbortController().signal,
    });
    expect(opened.env['HOME']).toBe(home);
    expect(opened.env['KUBERC']).toBe('off');
    expect(opened.env['KUBECONFIG']).toBeUndefined();
    expect(opened.keepsRealHome).toBe(true);
    await opened.remove();
  });
});
