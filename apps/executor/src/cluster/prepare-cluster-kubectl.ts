import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ExecutorConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { prepareKubectlHome } from '../runner/kubectl-home.js';
import type { KubectlHome } from '../runner/kubectl-home.js';
import { checkKubeconfigServer } from './check-kubeconfig-server.js';
import { writeClusterKubeconfig } from './cluster-kubeconfig.js';

export interface ClusterKubectl {
  readonly kubectlHome: KubectlHome;
  readonly target: Awaited<ReturnType<typeof checkKubeconfigServer>>;
  /** Deletes the private kubeconfig directory and kubectl's HOME. */
  remove(): Promise<void>;
}

/**
 * The kubeconfig kubectl runs with (a ServiceAccount one in a pod, a context pin), in a private
 * directory, and kubectl's private HOME; fails closed when the kubeconfig names no API server (no
 * localhost:8080 fallback). Whatever fails leaves nothing behind.
 */
export async function prepareClusterKubectl(config: ExecutorConfig, logger: Logger): Promise<ClusterKubectl> {
  const clusterDirectory = await mkdtemp(join(tmpdir(), 'kubently-cluster-'));
  const removeClusterDirectory = (): Promise<void> => rm(clusterDirectory, { recursive: true, force: true });
  const environment: Record<string, string> = { ...config.kubectlEnvironment };
  delete environment['KUBECONFIG'];
  let kubectlHome: KubectlHome;
  try {
    const kubeconfig = await writeClusterKubeconfig(config.cluster, clusterDirectory);
    if (kubeconfig !== null) environment['KUBECONFIG'] = kubeconfig;
    kubectlHome = await prepareKubectlHome({
      kubectl: config.kubectl,
      environment,
      home: config.home,
      logger,
    });
  } catch (error) {
    await removeClusterDirectory();
    throw error;
  }
  try {
    const target = await checkKubeconfigServer({
      kubectl: config.kubectl,
      env: kubectlHome.environment,
      access: config.cluster,
    });
    return {
      kubectlHome,
      target,
      remove: async () => {
        await kubectlHome.remove();
        await removeClusterDirectory();
      },
    };
  } catch (error) {
    await kubectlHome.remove();
    await removeClusterDirectory();
    throw error;
  }
}
