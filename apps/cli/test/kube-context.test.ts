import { execFileSync } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import { detectKubeContext } from '../src/up/detect-kube-context.js';
import { pinKubeContext } from '../src/up/pin-kube-context.js';
import { makeTempDir } from './support/test-io.js';

function hasRealKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const kubeconfig = (caFile: string): string => `apiVersion: v1
kind: Config
current-context: ctx-a
clusters:
- name: cluster-a
  cluster: {server: "https://a.invalid:6443", certificate-authority: ${caFile}}
- name: cluster-b
  cluster: {server: "https://b.invalid:6443", certificate-authority: ${caFile}}
contexts:
- name: ctx-a
  context: {cluster: cluster-a, user: user-a}
- name: ctx-b
  context: {cluster: cluster-b, user: user-b, namespace: team-b}
users:
- name: user-a
  user: {token: token-a}
- name: user-b
  user: {token: token-b}
`;

interface Kubeconfig {
  'current-context': string;
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data'?: string } }[];
  users: { name: string; user: { token: string } }[];
}

// Real kubectl, no API server needed: these only read kubeconfig files.
// In CI a missing kubectl is a broken machine, not a reason to skip: the tests run and fail.
describe.skipIf(!hasRealKubectl() && process.env['CI'] !== 'true')(
  'kubeconfig handling of `up` with the real kubectl',
  () => {
    async function setup() {
      const dir = await makeTempDir();
      const ca = join(dir, 'ca.crt');
      await writeFile(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      const file = join(dir, 'config');
      await writeFile(file, kubeconfig(ca));
      return { env: { PATH: process.env['PATH'], HOME: dir, KUBECONFIG: file }, dir };
    }

    it('detects the current context from KUBECONFIG', async () => {
      const { env } = await setup();
      expect(await detectKubeContext('kubectl', env, new AbortController().signal)).toEqual({
        type: 'found',
        context: 'ctx-a',
      });
    });

    it('pins one context into a private self-contained kubeconfig, removed on demand', async () => {
      const { env } = await setup();
      const pinned = await pinKubeContext('kubectl', 'ctx-b', env, new AbortController().signal);
      expect(pinned).not.toBeNull();
      const path = pinned!.path;
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await stat(dirname(path))).mode & 0o777).toBe(0o700);
      const config = parseYaml(await readFile(path, 'utf8')) as Kubeconfig;
      expect(config['current-context']).toBe('ctx-b');
      expect(config.clusters.map((cluster) => cluster.name)).toEqual(['cluster-b']);
      expect(config.clusters[0]?.cluster['certificate-authority-data']).toBeDefined();
      expect(config.users).toEqual([{ name: 'user-b', user: { token: 'token-b' } }]);
      await pinned!.remove();
      await expect(stat(dirname(path))).rejects.toThrow();
    });

    it('returns null for a context kubectl does not know', async () => {
      const { env } = await setup();
      expect(await pinKubeContext('kubectl', 'missing', env, new AbortController().signal)).toBeNull();
    });
  },
);
