import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { commandResponseSchema, errorBodySchema } from '@kubently/protocol';

import type { FakeKubectl } from '../../fixtures/fake-kubectl.js';
import type { Api } from './kubently.js';

/**
 * A kubectl test double cheap enough for a steady load on a shared 2-core machine: `get …` is a
 * shell `printf` that logs `<executor pid> <argv>` (one line per run, appended atomically); the
 * executor's start-up calls (version, config view, auth can-i) go to the full Node test double.
 */
export interface LightKubectl extends FakeKubectl {
  /** How many times each marker ran (a marker is one argv token). */
  runs(): Map<string, number>;
}

export function createLightKubectl(): LightKubectl {
  const fixture = fileURLToPath(new URL('../../fixtures/fake-kubectl.mjs', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'kubently-light-kubectl-'));
  const logFile = join(dir, 'runs.log');
  writeFileSync(logFile, '');
  const path = join(dir, 'kubectl');
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      'if [ "$1" = get ]; then',
      `  printf '%s %s\\n' "$PPID" "$*" >> '${logFile}'`,
      `  printf '{"argv":"%s"}\\n' "$*"`,
      '  exit 0',
      'fi',
      `exec '${process.execPath}' '${fixture}' "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  const lines = (): string[] =>
    readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
  return {
    path,
    logFile,
    invocations: () =>
      lines().map((line) => {
        const [ppid = '0', ...argv] = line.split(' ');
        return { pid: 0, ppid: Number(ppid), argv, envKeys: [] };
      }),
    runs: () => {
      const counts = new Map<string, number>();
      for (const line of lines()) {
        for (const token of line.split(' ').filter((part) => part.startsWith('load-')))
          counts.set(token, (counts.get(token) ?? 0) + 1);
      }
      return counts;
    },
  };
}

/** What one command of the load got. */
export interface LoadOutcome {
  readonly marker: string;
  readonly sentAt: number;
  readonly answeredAt: number;
  /** `result`: a 200 with a final record; `error`: a definite error answer; `lost`: neither. */
  readonly kind: 'result' | 'error' | 'lost';
  readonly status: string;
  /** The failure or error code and message, for `failed` records and error answers. */
  readonly code?: string;
  readonly message?: string;
}

export interface Load {
  /** Stops sending and waits for every answer. */
  stop(): Promise<LoadOutcome[]>;
}

/**
 * Sends `ratePerSecond` commands (`get pods <marker>`, synchronous: the caller waits for the
 * result) round-robin over `targets`, each with a unique marker. Pacing uses wall-clock timers:
 * this is load, not synchronisation; the test decides nothing from when a timer fires.
 */
export function startLoad(options: {
  targets: readonly Api[];
  clusterId: string;
  ratePerSecond: number;
  timeoutSeconds?: number;
}): Load {
  const answers: Promise<LoadOutcome>[] = [];
  let sent = 0;
  const send = (): void => {
    const target = options.targets[sent % options.targets.length];
    sent += 1;
    if (target === undefined) return;
    const marker = `load-${randomUUID()}`;
    const sentAt = Date.now();
    answers.push(
      target
        .post('/v1/commands', {
          clusterId: options.clusterId,
          args: ['get', 'pods', marker],
          timeoutSeconds: options.timeoutSeconds ?? 30,
        })
        .then(
          (answer): LoadOutcome => {
            const answeredAt = Date.now();
            if (answer.status === 200) {
              const response = commandResponseSchema.safeParse(answer.body);
              if (!response.success)
                return { marker, sentAt, answeredAt, kind: 'lost', status: 'unparsable 200' };
              const { status, failure } = response.data;
              if (status !== 'succeeded' && status !== 'failed')
                return { marker, sentAt, answeredAt, kind: 'lost', status };
              return {
                marker,
                sentAt,
                answeredAt,
                kind: 'result',
                status,
                ...(failure === undefined ? {} : { code: failure.code, message: failure.message }),
              };
            }
            const error = errorBodySchema.safeParse(answer.body);
            if (!error.success)
              return { marker, sentAt, answeredAt, kind: 'lost', status: `HTTP ${answer.status}` };
            return {
              marker,
              sentAt,
              answeredAt,
              kind: 'error',
              status: `HTTP ${answer.status}`,
              code: error.data.error.code,
              message: error.data.error.message,
            };
          },
          (error: unknown): LoadOutcome => ({
            marker,
            sentAt,
            answeredAt: Date.now(),
            kind: 'lost',
            status: `no answer: ${error instanceof Error ? error.message : String(error)}`,
          }),
        ),
    );
  };
  const timer = setInterval(send, 1000 / options.ratePerSecond);
  return {
    stop: async () => {
      clearInterval(timer);
      return Promise.all(answers);
    },
  };
}

/** The counts the HA tests report (and assert): lost, executed twice, failed definitely, recovery. */
export interface LoadReport {
  readonly sent: number;
  readonly succeeded: number;
  readonly lost: number;
  readonly executedTwice: number;
  /** Told failed (a failed record or an error answer), each with its code and message. */
  readonly failedDefinitely: readonly { code: string; message: string }[];
  /** Failed definitely although it ran (the message says it may have run, or it was not reached). */
  readonly ranButFailed: number;
  /** From the fault to the first success of a command sent after it; null when none came. */
  readonly recoveryMs: number | null;
  /** The slowest answer of a command sent within 1 s before or any time after the fault. */
  readonly worstLatencyMs: number;
  /** Median answer time of the commands sent before the fault (what the machine gives without one). */
  readonly medianLatencyBeforeMs: number;
}

export function reportLoad(
  outcomes: readonly LoadOutcome[],
  runs: Map<string, number>,
  faultAt: number,
): LoadReport {
  const failed = outcomes.filter(
    (outcome) => outcome.kind === 'error' || (outcome.kind === 'result' && outcome.status === 'failed'),
  );
  const afterFault = outcomes
    .filter(
      (outcome) => outcome.sentAt >= faultAt && outcome.kind === 'result' && outcome.status === 'succeeded',
    )
    .map((outcome) => outcome.answeredAt - faultAt);
  const near = outcomes.filter((outcome) => outcome.sentAt >= faultAt - 1000);
  return {
    sent: outcomes.length,
    succeeded: outcomes.filter((outcome) => outcome.kind === 'result' && outcome.status === 'succeeded')
      .length,
    lost: outcomes.filter((outcome) => outcome.kind === 'lost').length,
    executedTwice: [...runs.values()].filter((count) => count > 1).length,
    failedDefinitely: failed.map((outcome) => ({
      code: outcome.code ?? outcome.status,
      message: outcome.message ?? '',
    })),
    ranButFailed: failed.filter((outcome) => (runs.get(outcome.marker) ?? 0) > 0).length,
    recoveryMs: afterFault.length === 0 ? null : Math.min(...afterFault),
    worstLatencyMs: Math.max(0, ...near.map((outcome) => outcome.answeredAt - outcome.sentAt)),
    medianLatencyBeforeMs: median(
      outcomes
        .filter((outcome) => outcome.sentAt < faultAt - 1000)
        .map((outcome) => outcome.answeredAt - outcome.sentAt),
    ),
  };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
