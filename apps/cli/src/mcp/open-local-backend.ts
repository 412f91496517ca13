import { randomUUID } from 'node:crypto';
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';

import { AgentError, parseAgentConfig } from '@kubently/agent';
import type { AgentConfig } from '@kubently/agent';

import type { CliIo } from '../cli-io.js';
import { KubentlyError } from '../kubently-error.js';
import { openLocalKubectlHome, resolveKubectl } from '../local/index.js';
import type { LocalKubectlHome } from '../local/index.js';
import { clusterIdFromContext } from '../up/cluster-id-from-context.js';
import { detectKubeContext } from '../up/detect-kube-context.js';
import { createLocalAsk } from './local-ask.js';
import { createLocalBackend } from './local-backend.js';
import { LocalCluster } from './local-cluster.js';
import type { McpBackend } from './mcp-backend.js';

export interface LocalFlags {
  readonly kubeconfig: string | undefined;
  readonly context: string | undefined;
  readonly kubectl: string | undefined;
}

const agentConfigFrom = (env: CliIo['env']): AgentConfig => {
  try {
    return parseAgentConfig(env);
  } catch (error) {
    if (error instanceof AgentError)
      throw new KubentlyError('config_invalid', error.message, { cause: error });
    throw error;
  }
};

/** One kubeconfig context opened for local mode; `close()` removes kubectl's private directory. */
export interface OpenLocalCluster {
  readonly cluster: LocalCluster;
  readonly context: string;
  readonly agentConfig: AgentConfig;
  close(): Promise<void>;
}

/**
 * Checks the flags, opens the private kubectl directory, pins the context (the current one when
 * --context is absent) and reads the model configuration (KUBENTLY_LLM_*). Shared by
 * `mcp`, `ask` and `debug` in local mode.
 */
export const openLocalCluster = async (flags: LocalFlags, io: CliIo): Promise<OpenLocalCluster> => {
  const kubectl = resolveKubectl(flags.kubectl, io.env);
  let kubeconfig: string | undefined;
  if (flags.kubeconfig !== undefined) {
    kubeconfig = resolve(io.cwd, flags.kubeconfig);
    try {
      await access(kubeconfig);
    } catch {
      throw new KubentlyError(
        'usage',
        `--kubeconfig ${flags.kubeconfig}: no such file (resolved to ${kubeconfig}); pass the path of a kubeconfig file`,
      );
    }
  }
  const home = await openLocalKubectlHome({
    kubectl,
    kubeconfig,
    context: flags.context,
    env: io.env,
    signal: io.signal,
  });
  try {
    const context = await pinContext(kubectl, kubeconfig, flags.context, home, io);
    const cluster = new LocalCluster({
      kubectl,
      kubeconfig,
      context,
      clusterId: clusterIdFromContext(context),
      env: home.env,
      now: io.now,
    });
    return { cluster, context, agentConfig: agentConfigFrom(io.env), close: () => home.remove() };
  } catch (error) {
    await home.remove();
    throw error;
  }
};

/** The tools of `kubently mcp --kubeconfig`. */
export const openLocalBackend = async (flags: LocalFlags, io: CliIo): Promise<McpBackend> => {
  const local = await openLocalCluster(flags, io);
  const { cluster, context, agentConfig: config } = local;
  const backend = createLocalBackend({
    cluster,
    newId: randomUUID,
    ask: createLocalAsk(cluster, config),
    description: `kubeconfig context "${context}" via local kubectl, read-only policy; answers ${
      config.model === null
        ? 'from the diagnosis engine (no KUBENTLY_LLM_PROVIDER)'
        : `with ${config.model.provider}`
    }`,
  });
  return { ...backend, close: () => local.close() };
};

const pinContext = async (
  kubectl: string,
  kubeconfig: string | undefined,
  flagContext: string | undefined,
  home: LocalKubectlHome,
  io: CliIo,
): Promise<string> => {
  if (flagContext !== undefined) return flagContext;
  const env = kubeconfig === undefined ? home.env : { ...home.env, KUBECONFIG: kubeconfig };
  const probe = await detectKubeContext(kubectl, env, io.signal);
  switch (probe.type) {
    case 'found':
      return probe.context;
    case 'kubectl-missing':
      throw new KubentlyError(
        'usage',
        `kubectl "${kubectl}" could not be started: install kubectl or pass its path with --kubectl`,
      );
    case 'no-context':
      throw new KubentlyError(
        'usage',
        `the kubeconfig has no current context (${probe.message}); pass --context NAME`,
      );
  }
};
