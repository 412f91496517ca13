import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  isolatedKubectlEnvironment,
  kubeconfigProbeArgs,
  kubeconfigRunsCredentialPlugin,
} from '@kubently/policy';

import { KubentlyError } from '../kubently-error.js';

export interface LocalKubectlHome {
  /** The complete environment of every kubectl this command runs. */
  readonly env: Readonly<Record<string, string>>;
  /** kubectl runs with the user's HOME because the kubeconfig user runs a credential plugin. */
  readonly keepsRealHome: boolean;
  /** Deletes the private directory; safe to call twice. */
  remove(): Promise<void>;
}

export interface LocalKubectlHomeOptions {
  readonly kubectl: string;
  /** Given with --kubeconfig (also passed to every kubectl as --kubeconfig). */
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  /** The caller's environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal: AbortSignal;
}

/**
 * The private directory the local modes (`diagnose --kubeconfig`, `mcp --kubeconfig`) run kubectl
 * in, as the executor does: KUBERC=off, a private HOME (no kuberc, no file a later kubectl version may
 * read there) and a private discovery cache, for the life of the command. The user's kubeconfig is
 * named explicitly (KUBECONFIG, else ~/.kube/config), so it is still found. The user's HOME is kept
 * only when the kubeconfig's user runs a credential plugin (aws, gke-gcloud-auth-plugin,
 * kubelogin), which reads its own configuration there; KUBERC=off still applies.
 */
export async function openLocalKubectlHome(options: LocalKubectlHomeOptions): Promise<LocalKubectlHome> {
  let directory: string;
  try {
    directory = await mkdtemp(join(tmpdir(), 'kubently-kubectl-'));
  } catch (cause) {
    throw new KubentlyError(
      'config_invalid',
      `cannot create kubectl's private HOME in ${tmpdir()} (${String(cause)}): make that directory writable or point TMPDIR at one that is`,
      { cause },
    );
  }
  const privateHome = join(directory, 'home');
  const isolation = { home: privateHome, cacheDirectory: join(directory, 'cache') };
  const remove = (): Promise<void> => rm(directory, { recursive: true, force: true });
  try {
    await mkdir(privateHome, { mode: 0o700 });
    const userHome = options.env['HOME'];
    const base: Record<string, string | undefined> = { ...options.env };
    const defaultKubeconfig = userHome === undefined ? undefined : join(userHome, '.kube', 'config');
    if (
      base['KUBECONFIG'] === undefined &&
      defaultKubeconfig !== undefined &&
      existsSync(defaultKubeconfig)
    ) {
      base['KUBECONFIG'] = defaultKubeconfig;
    }
    let home = privateHome;
    if (userHome !== undefined) {
      const probe = await runProbe(options, isolatedKubectlEnvironment(base, isolation));
      if (kubeconfigRunsCredentialPlugin(probe)) home = userHome;
    }
    return {
      env: Object.freeze(isolatedKubectlEnvironment(base, { ...isolation, home })),
      keepsRealHome: home !== privateHome,
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}

function runProbe(options: LocalKubectlHomeOptions, env: Record<string, string>): Promise<string> {
  const args = [
    ...kubeconfigProbeArgs,
    ...(options.kubeconfig === undefined ? [] : ['--kubeconfig', options.kubeconfig]),
    ...(options.context === undefined ? [] : ['--context', options.context]),
  ];
  return new Promise((resolve) => {
    execFile(
      options.kubectl,
      args,
      { env, signal: options.signal, timeout: 10_000, maxBuffer: 1024 * 1024, windowsHide: true },
      (error, stdout) => {
        resolve(error === null ? stdout : '');
      },
    );
  });
}
