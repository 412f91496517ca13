import { access } from 'node:fs/promises';
import { resolve } from 'node:path';

import { collectSnapshot, diagnose, SnapshotCollectionError } from '@kubently/diagnosis';
import type { CollectedSnapshot, DiagnosisInclude, Report, Severity } from '@kubently/diagnosis';

import type { CliIo } from '../cli-io.js';
import { KubentlyError } from '../kubently-error.js';
import { localKubectlRun, openLocalKubectlHome } from '../local/index.js';

export interface LocalDiagnosisOptions {
  readonly kubectl: string;
  readonly kubeconfig: string | undefined;
  readonly context: string | undefined;
  readonly namespaces: 'all' | readonly string[];
  readonly minSeverity: Severity | undefined;
  /** Opt-in categories (`--include posture`). */
  readonly include: readonly DiagnosisInclude[];
  readonly concurrency: number | undefined;
  readonly io: CliIo;
}

/**
 * `kubently diagnose --kubeconfig`: collects with the real kubectl on this machine (read-only argv,
 * checked by the policy before each run) and runs the engine in-process. No server involved.
 */
export const runLocalDiagnosis = async (
  options: LocalDiagnosisOptions,
): Promise<CollectedSnapshot & { readonly report: Report }> => {
  const { io } = options;
  let kubeconfig: string | undefined;
  if (options.kubeconfig !== undefined) {
    kubeconfig = resolve(io.cwd, options.kubeconfig);
    try {
      await access(kubeconfig);
    } catch {
      throw new KubentlyError(
        'usage',
        `--kubeconfig ${options.kubeconfig}: no such file (resolved to ${kubeconfig}); pass the path of a kubeconfig file`,
      );
    }
  }
  const home = await openLocalKubectlHome({
    kubectl: options.kubectl,
    kubeconfig,
    context: options.context,
    env: io.env,
    signal: io.signal,
  });
  const run = localKubectlRun({
    kubectl: options.kubectl,
    kubeconfig,
    context: options.context,
    env: home.env,
  });
  let collected: CollectedSnapshot;
  try {
    collected = await collectSnapshot({
      run,
      namespaces: options.namespaces,
      signal: io.signal,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      now: () => io.now().getTime(),
    });
  } catch (error) {
    if (!(error instanceof SnapshotCollectionError)) throw error;
    const target = options.context === undefined ? 'the cluster' : `context "${options.context}"`;
    throw new KubentlyError(
      'executor_unavailable',
      error.code === 'kubectl_not_found'
        ? `kubectl "${options.kubectl}" could not be started: install kubectl or pass its path with --kubectl`
        : `cannot diagnose ${target}: ${error.message}\n  fix: ${error.fix}`,
      { cause: error, details: { collectionCode: error.code } },
    );
  } finally {
    await home.remove();
  }
  // The engine's namespace filter ranks the namespaces' own causes and keeps a cluster-scoped
  // finding (a NotReady node) only when it touches them.
  const report = diagnose(collected.snapshot, {
    now: () => io.now(),
    ...(options.namespaces === 'all' ? {} : { namespaces: options.namespaces }),
    ...(options.minSeverity === undefined ? {} : { minSeverity: options.minSeverity }),
    include: options.include,
  });
  return { ...collected, report };
};
