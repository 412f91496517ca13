import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  isolatedKubectlEnvironment,
  kubeconfigProbeArgs,
  kubeconfigRunsCredentialPlugin,
} from '@kubently/policy';

import { KubentlyError } from '../executor-error.js';
import type { Logger } from '../logger.js';
import { runProcess } from './run-process.js';

export interface KubectlHome {
  /** The complete environment of every kubectl this executor runs. */
  readonly environment: Readonly<Record<string, string>>;
  /** kubectl runs with the executor's real HOME (a credential plugin needs it, or the operator said so). */
  readonly keepsRealHome: boolean;
  /** Deletes the private directory (its discovery cache included); safe to call twice. */
  remove(): Promise<void>;
}

export interface KubectlHomeOptions {
  readonly kubectl: string;
  /** What kubectl inherits (ExecutorConfig.kubectlEnvironment); HOME in it is the operator's choice. */
  readonly environment: Readonly<Record<string, string>>;
  /** The executor's own HOME, for a credential plugin. */
  readonly home: string | null;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
}

const probeTimeoutMs = 10_000;

/**
 * Creates the per-process directory kubectl runs in: a private HOME (no kuberc, no file a later
 * kubectl version may read from the real HOME) and a private discovery cache (KUBECACHEDIR), kept
 * for the life of the executor so discovery is paid once. KUBERC=off is set whatever HOME is.
 *
 * The real HOME is kept in two cases only: the operator lists HOME in KUBENTLY_KUBECTL_ENV, or the
 * kubeconfig's current user runs a credential plugin (`exec`, `auth-provider`): aws,
 * gke-gcloud-auth-plugin and kubelogin read their own configuration and token caches under HOME, and
 * would fail without it. The cache directory stays private in both cases.
 */
export async function prepareKubectlHome(options: KubectlHomeOptions): Promise<KubectlHome> {
  let directory: string;
  try {
    directory = await mkdtemp(join(tmpdir(), 'kubently-kubectl-'));
  } catch (cause) {
    throw new KubentlyError(
      'internal',
      `cannot create kubectl's private HOME in ${tmpdir()} (${String(cause)}): make that directory writable or point TMPDIR at one that is (in a container with a read-only root filesystem, mount an emptyDir at /tmp)`,
      { cause },
    );
  }
  const privateHome = join(directory, 'home');
  const isolation = { home: privateHome, cacheDirectory: join(directory, 'cache') };
  const remove = (): Promise<void> => rm(directory, { recursive: true, force: true });
  try {
    await mkdir(privateHome, { mode: 0o700 });
    let home = options.environment['HOME'] ?? privateHome;
    if (home === privateHome && options.home !== null) {
      const probe = await runProcess({
        file: options.kubectl,
        args: kubeconfigProbeArgs,
        env: isolatedKubectlEnvironment(options.environment, isolation),
        timeoutMs: probeTimeoutMs,
        maxOutputBytes: 1024 * 1024,
        killGraceMs: 500,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      if (kubeconfigRunsCredentialPlugin(probe.stdout.toString('utf8'))) {
        home = options.home;
        options.logger.info(
          { home },
          "the kubeconfig's user runs a credential plugin: kubectl keeps the real HOME (KUBERC=off still applies)",
        );
      }
    }
    return {
      environment: Object.freeze(isolatedKubectlEnvironment(options.environment, { ...isolation, home })),
      keepsRealHome: home !== privateHome,
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}
