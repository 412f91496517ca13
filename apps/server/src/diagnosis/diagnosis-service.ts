import { collectSnapshot, diagnose, SnapshotCollectionError } from '@kubently/diagnosis';
import type { Collection, DiagnosisInclude, Report, Severity } from '@kubently/diagnosis';
import type { ErrorCode } from '@kubently/protocol';

import type { Caller } from '../auth/api-key-verifier.js';
import { isAllowed } from '../auth/permissions.js';
import type { ClusterService } from '../clusters/cluster-service.js';
import type { CommandService } from '../commands/command-service.js';
import { KubentlyError } from '../errors/kubently-error.js';
import type { Clock } from '../support/clock.js';
import type { Logger } from '../support/logger.js';
import type { DiagnosisOutcomeLabel, ServerMetrics } from '../telemetry/index.js';
import { relayKubectlRun } from './relay-kubectl-run.js';
import { relayListRead } from './relay-list-read.js';

export interface DiagnosisServiceOptions {
  readonly commands: CommandService;
  readonly clusters: ClusterService;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * Collector commands in flight per diagnosis (default 6; the executor runs 4 at once by default).
   * They count against the caller's in-flight limit like any command, so keep it below that limit.
   */
  readonly concurrency?: number;
  /** How long one `kubectl get` may take through the relay (default 30 s). */
  readonly commandTimeoutSeconds?: number;
  readonly metrics?: ServerMetrics | undefined;
  /** False: always collect through kubectl, even from executors that offer the read path (benchmarks). */
  readonly useReadPath?: boolean | undefined;
}

export interface DiagnoseClusterInput {
  readonly clusterId: string;
  /** Only these namespaces (default: the whole cluster). */
  readonly namespaces?: readonly string[] | undefined;
  readonly minSeverity?: Severity | undefined;
  /** Opt-in categories (`posture`); default incidents only. */
  readonly include?: readonly DiagnosisInclude[] | undefined;
  /** Who asks: each command is policy-checked and audited as theirs. */
  readonly caller: Caller;
  readonly correlationId: string;
  readonly signal: AbortSignal;
}

export interface DiagnosisOutcome {
  readonly report: Report;
  readonly collection: Collection;
}

/** Collection codes the HTTP surface already has; anything else means the executor could not list. */
const errorCodeOf = (code: string): ErrorCode => {
  switch (code) {
    case 'cluster_not_found':
    case 'shutting_down':
    case 'executor_unavailable':
      return code;
    default:
      return 'executor_unavailable';
  }
};

/**
 * Diagnoses a cluster through its executor: collects a snapshot with read-only `kubectl get -o
 * json` commands submitted as the caller (DESIGN §7), then runs the rule engine. REST, the agent's
 * ClusterGateway and MCP call `diagnose`.
 */
export class DiagnosisService {
  readonly #options: DiagnosisServiceOptions;

  constructor(options: DiagnosisServiceOptions) {
    this.#options = options;
  }

  async diagnose(input: DiagnoseClusterInput): Promise<DiagnosisOutcome> {
    const { clock, metrics } = this.#options;
    const started = clock.now();
    const finished = (outcome: DiagnosisOutcomeLabel): void => {
      metrics?.diagnosisFinished({
        clusterId: input.clusterId,
        outcome,
        durationSeconds: (clock.now() - started) / 1000,
      });
    };
    try {
      const outcome = await this.#diagnose(input);
      finished('succeeded');
      return outcome;
    } catch (error) {
      finished('failed');
      throw error;
    }
  }

  async #diagnose(input: DiagnoseClusterInput): Promise<DiagnosisOutcome> {
    const { commands, clusters, clock, logger } = this.#options;
    if (!isAllowed(input.caller.role, 'commands:run')) {
      throw new KubentlyError(
        'forbidden',
        `role "${input.caller.role}" may not run commands, so it cannot run a diagnosis; use an operator or admin key`,
      );
    }
    await clusters.get(input.clusterId, input.caller);
    const started = clock.now();
    // A limit that stopped the collection is answered as itself (429/503 with Retry-After).
    let refusal: KubentlyError | undefined;
    let collected;
    const namespaces =
      input.namespaces === undefined || input.namespaces.length === 0 ? undefined : input.namespaces;
    const relay = {
      commands,
      clusterId: input.clusterId,
      caller: input.caller,
      correlationId: input.correlationId,
      timeoutSeconds: this.#options.commandTimeoutSeconds ?? 30,
      onError: (error: KubentlyError) => {
        if (error.code === 'rate_limited' || error.code === 'capacity_exceeded') refusal ??= error;
      },
    };
    // The executor's read path when every live executor offers it, else kubectl (decision 0011).
    const offersRead = this.#options.useReadPath !== false && (await clusters.offersRead(input.clusterId));
    try {
      collected = await collectSnapshot({
        run: relayKubectlRun(relay),
        ...(offersRead ? { read: relayListRead(relay) } : {}),
        namespaces: namespaces ?? 'all',
        signal: input.signal,
        concurrency: this.#options.concurrency ?? 6,
        now: () => clock.now(),
      });
    } catch (error) {
      if (!(error instanceof SnapshotCollectionError)) throw error;
      if (refusal !== undefined && error.code === refusal.code) throw refusal;
      throw new KubentlyError(
        errorCodeOf(error.code),
        `cannot diagnose cluster "${input.clusterId}": ${error.message}. Fix: ${error.fix}`,
        {
          cause: error,
          details: { clusterId: input.clusterId, collectionCode: error.code, warnings: error.warnings },
        },
      );
    }
    const { snapshot, collection } = collected;
    // The engine's namespace filter ranks the namespaces' own causes first and keeps a
    // cluster-scoped finding (a NotReady node, a webhook) only when it touches them.
    const report = diagnose(snapshot, {
      now: () => new Date(clock.now()),
      ...(namespaces === undefined ? {} : { namespaces }),
      ...(input.minSeverity === undefined ? {} : { minSeverity: input.minSeverity }),
      ...(input.include === undefined ? {} : { include: input.include }),
    });
    logger.info(
      {
        clusterId: input.clusterId,
        correlationId: input.correlationId,
        identity: input.caller.identity,
        durationMs: clock.now() - started,
        collectionMs: collection.durationMs,
        readPath: offersRead,
        commands: collection.commands.length,
        missing: collection.missing,
        rootCauses: report.summary.rootCauses,
        symptoms: report.summary.symptoms,
      },
      'diagnosis',
    );
    return { report, collection };
  }
}
