import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { parse } from 'yaml';

import { renderKubeconfig } from '@kubently/testbed';

import type { TestbedContext } from '../../e2e/testbed-context.js';
import { runCommand } from './helm.js';
import type { CommandResult } from './helm.js';

/** kubectl against the testbed as its admin (stdin optional). */
export function kubectl(
  testbed: TestbedContext,
  args: readonly string[],
  input?: string,
): Promise<CommandResult> {
  return runCommand(
    testbed.kubectl,
    ['--kubeconfig', testbed.kubeconfig, ...args],
    input === undefined ? {} : { input },
  );
}

/** `kubectl apply --dry-run=server -f -`: the apiserver validates and admits without persisting. */
export function applyDryRun(
  testbed: TestbedContext,
  yamlText: string,
  namespace: string,
): Promise<CommandResult> {
  return kubectl(testbed, ['apply', '--dry-run=server', '-n', namespace, '-f', '-'], yamlText);
}

/**
 * A kubeconfig for the testbed whose user is a ServiceAccount token (`kubectl create token`): what
 * an executor outside the cluster gets when it runs with the chart's identity.
 */
export async function serviceAccountKubeconfig(
  testbed: TestbedContext,
  namespace: string,
  serviceAccount: string,
  directory: string,
): Promise<{ path: string; token: string }> {
  const created = await kubectl(testbed, [
    'create',
    'token',
    serviceAccount,
    '-n',
    namespace,
    '--duration=1h',
  ]);
  if (created.code !== 0) throw new Error(`kubectl create token failed: ${created.stderr}`);
  const admin = parse(await readFile(testbed.kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  };
  const cluster = admin.clusters[0]?.cluster;
  if (cluster === undefined) throw new Error('the testbed kubeconfig names no cluster');
  const token = created.stdout.trim();
  const path = join(directory, `${serviceAccount}.kubeconfig`);
  await writeFile(
    path,
    renderKubeconfig({
      name: `${namespace}-${serviceAccount}`,
      server: cluster.server,
      caPem: Buffer.from(cluster['certificate-authority-data'], 'base64').toString(),
      token,
    }),
    { mode: 0o600 },
  );
  return { path, token };
}
