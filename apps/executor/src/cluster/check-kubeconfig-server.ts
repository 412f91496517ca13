import { kubeconfigProbeArgs } from '@kubently/policy';
import { z } from 'zod';

import { KubentlyError } from '../executor-error.js';
import { runProcess } from '../runner/run-process.js';
import type { ClusterAccess } from './cluster-access.js';

export interface KubeconfigTarget {
  /** The API server URL the current context names. */
  readonly server: string;
  /** The context's namespace, else `default`. */
  readonly namespace: string;
}

const minifiedSchema = z.object({
  clusters: z.array(z.object({ cluster: z.object({ server: z.string().optional() }).nullish() })).nullish(),
  contexts: z
    .array(z.object({ context: z.object({ namespace: z.string().optional() }).nullish() }))
    .nullish(),
});

const noServerFix =
  'set KUBECONFIG to a kubeconfig for the cluster (and KUBENTLY_KUBE_CONTEXT to pick a context), or run the executor in a pod with its ServiceAccount token mounted';

/**
 * Asks kubectl which API server it would talk to (`config view --minify`, nothing is contacted) and
 * fails closed when there is none: kubectl would otherwise fall back to http://localhost:8080,
 * which on a Kubently host is often Kubently's own port, and every answer would be wrong.
 */
export async function checkKubeconfigServer(options: {
  kubectl: string;
  env: Readonly<Record<string, string>>;
  access: ClusterAccess;
  signal?: AbortSignal;
}): Promise<KubeconfigTarget> {
  const source = describeAccess(options.access);
  const outcome = await runProcess({
    file: options.kubectl,
    args: kubeconfigProbeArgs,
    env: options.env,
    timeoutMs: 10_000,
    maxOutputBytes: 1024 * 1024,
    killGraceMs: 500,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (outcome.spawnError !== null) {
    throw new KubentlyError(
      'validation_failed',
      `KUBENTLY_KUBECTL: cannot run ${options.kubectl} (${outcome.spawnError.message}); install kubectl or point KUBENTLY_KUBECTL at it`,
      { cause: outcome.spawnError },
    );
  }
  const stderr = firstLine(outcome.stderr.toString('utf8'));
  if (outcome.exitCode !== 0) {
    throw new KubentlyError(
      'validation_failed',
      `no usable cluster in ${source}: kubectl says "${stderr}", and would fall back to http://localhost:8080 (possibly Kubently's own port): ${noServerFix}`,
    );
  }
  let parsed: z.infer<typeof minifiedSchema> | null = null;
  try {
    const result = minifiedSchema.safeParse(JSON.parse(outcome.stdout.toString('utf8')));
    parsed = result.success ? result.data : null;
  } catch {
    parsed = null;
  }
  const server = parsed?.clusters?.[0]?.cluster?.server ?? '';
  if (server === '') {
    throw new KubentlyError(
      'validation_failed',
      `no cluster API server in ${source}, and kubectl would fall back to http://localhost:8080 (possibly Kubently's own port): ${noServerFix}`,
    );
  }
  const namespace = parsed?.contexts?.[0]?.context?.namespace ?? '';
  return { server, namespace: namespace === '' ? 'default' : namespace };
}

export function describeAccess(access: ClusterAccess): string {
  switch (access.type) {
    case 'inCluster':
      return `the pod's ServiceAccount (${access.tokenFile})`;
    case 'kubeconfig': {
      const context = access.context === null ? '' : `, context "${access.context}"`;
      return access.path === null
        ? `no kubeconfig (KUBECONFIG unset, no ~/.kube/config, not in a pod${context})`
        : `kubeconfig ${access.path}${context}`;
    }
  }
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? '').trim().slice(0, 300);
}
