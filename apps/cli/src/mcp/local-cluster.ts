import { collectSnapshot, diagnose, SnapshotCollectionError } from '@kubently/diagnosis';
import type { DiagnosisInclude, KubectlOutcome, Report } from '@kubently/diagnosis';
import { applyNamespace } from '@kubently/policy';
import type { ClusterInfo } from '@kubently/protocol';

import { KubentlyError } from '../kubently-error.js';
import { localKubectlRun } from '../local/index.js';
import { McpToolError } from './tool-error.js';

/** stdout above this is not passed on at all (the runner's cap); below it the MCP cap applies. */
const maxOutputBytes = 8 * 1024 * 1024;
const redactionMarker = /<redacted[:>]|output withheld because it may contain Secret values/g;

export interface LocalClusterOptions {
  readonly kubectl: string;
  /** Absolute path checked to exist by the caller; undefined: kubectl's own default (KUBECONFIG, ~/.kube/config). */
  readonly kubeconfig: string | undefined;
  /** The kubeconfig context kubectl is pinned to (`--context`), or its current one. */
  readonly context: string;
  /** The context as a DNS-1123 label: the only cluster id local mode answers to. */
  readonly clusterId: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
}

export interface LocalRun {
  readonly outcome: KubectlOutcome;
  readonly args: readonly string[];
  readonly durationMs: number;
  readonly redactions: number;
}

/**
 * One kubeconfig context as the only "cluster" of `kubently mcp --kubeconfig`: kubectl runs on this
 * machine through the CLI's local runner (read-only policy before every run, no shell, Secret values
 * redacted, KUBENTLY_* variables kept from kubectl).
 */
export class LocalCluster {
  readonly #options: LocalClusterOptions;

  constructor(options: LocalClusterOptions) {
    this.#options = options;
  }

  get id(): string {
    return this.#options.clusterId;
  }

  info(): ClusterInfo {
    return {
      id: this.#options.clusterId,
      createdAt: this.#options.now().toISOString(),
      connected: true,
      executors: 0,
      lastSeenAt: null,
      mode: 'readOnly',
      executorVersion: null,
      kubectlVersion: null,
      kubernetesVersion: null,
    };
  }

  /** The cluster id must name this context; anything else is cluster_not_found. */
  check(clusterId: string): void {
    if (clusterId === this.#options.clusterId) return;
    throw new KubentlyError(
      'cluster_not_found',
      `local mode serves only "${this.#options.clusterId}" (kubeconfig context "${this.#options.context}"); call list_clusters`,
    );
  }

  async run(
    args: readonly string[],
    namespace: string | undefined,
    timeoutSeconds: number,
    signal: AbortSignal,
  ): Promise<LocalRun> {
    const argv = applyNamespace(args, namespace);
    const runner = localKubectlRun({
      kubectl: this.#options.kubectl,
      kubeconfig: this.#options.kubeconfig,
      context: this.#options.context,
      env: this.#options.env,
      timeoutMs: timeoutSeconds * 1000,
      maxOutputBytes,
    });
    const started = this.#options.now().getTime();
    const outcome = await runner(argv, signal);
    const durationMs = this.#options.now().getTime() - started;
    const redactions = outcome.type === 'result' ? (outcome.stdout.match(redactionMarker) ?? []).length : 0;
    return { outcome, args: argv, durationMs, redactions };
  }

  async diagnose(
    namespaces: readonly string[] | undefined,
    signal: AbortSignal,
    include: readonly DiagnosisInclude[] = [],
  ): Promise<Report> {
    const run = localKubectlRun({
      kubectl: this.#options.kubectl,
      kubeconfig: this.#options.kubeconfig,
      context: this.#options.context,
      env: this.#options.env,
    });
    try {
      const scoped = namespaces !== undefined && namespaces.length > 0;
      const { snapshot } = await collectSnapshot({
        run,
        namespaces: scoped ? namespaces : 'all',
        signal,
        now: () => this.#options.now().getTime(),
      });
      return diagnose(snapshot, {
        now: () => this.#options.now(),
        include,
        ...(scoped ? { namespaces } : {}),
      });
    } catch (error) {
      if (!(error instanceof SnapshotCollectionError)) throw error;
      throw new McpToolError(error.code, `${error.message}; fix: ${error.fix}`);
    }
  }
}
