import type { AuditRecord } from '@kubently/protocol';

import { isoAt } from '../support/clock.js';
import type { Clock } from '../support/clock.js';
import type { IdGenerator } from '../support/ids.js';
import type { Logger } from '../support/logger.js';
import type { AuditLog } from '../state/audit-log.js';
import type { CommandRecord } from '../state/command-store.js';

export type AuditOutcome = AuditRecord['outcome'];

export interface DeniedAttempt {
  readonly identity: string;
  readonly serviceIdentity?: string | undefined;
  readonly role: AuditRecord['role'];
  readonly clusterId: string;
  readonly sessionId: string | null;
  readonly correlationId: string;
  readonly argv: readonly string[];
  readonly reason: string;
  readonly source: string;
}

/** Writes one audit record per command attempt; a failing audit write is logged, never thrown at callers. */
export class AuditWriter {
  readonly #log: AuditLog;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #logger: Logger;

  constructor(log: AuditLog, clock: Clock, ids: IdGenerator, logger: Logger) {
    this.#log = log;
    this.#clock = clock;
    this.#ids = ids;
    this.#logger = logger;
  }

  denied(attempt: DeniedAttempt): Promise<void> {
    return this.#append({
      id: this.#ids.next(),
      at: isoAt(this.#clock.now()),
      identity: attempt.identity,
      ...(attempt.serviceIdentity === undefined ? {} : { serviceIdentity: attempt.serviceIdentity }),
      role: attempt.role,
      clusterId: attempt.clusterId,
      commandId: null,
      sessionId: attempt.sessionId,
      correlationId: attempt.correlationId,
      argv: [...attempt.argv],
      decision: 'denied',
      reason: attempt.reason,
      outcome: 'denied',
      exitCode: null,
      durationMs: null,
      bytes: null,
      source: attempt.source,
    });
  }

  finished(record: CommandRecord, outcome: AuditOutcome): Promise<void> {
    const { command, origin, result } = record;
    const finishedAt = record.finishedAt ?? this.#clock.now();
    return this.#append({
      id: this.#ids.next(),
      at: isoAt(finishedAt),
      identity: origin.identity,
      ...(origin.serviceIdentity === undefined ? {} : { serviceIdentity: origin.serviceIdentity }),
      role: origin.role,
      clusterId: command.clusterId,
      commandId: command.id,
      sessionId: command.sessionId ?? null,
      correlationId: command.correlationId,
      argv: command.args,
      decision: 'allowed',
      reason: record.failure?.message ?? result?.failure?.message ?? null,
      outcome,
      exitCode: result?.exitCode ?? null,
      durationMs: result?.durationMs ?? finishedAt - record.createdAt,
      bytes: result === null ? null : Buffer.byteLength(result.stdout) + Buffer.byteLength(result.stderr),
      source: origin.source,
    });
  }

  async #append(record: AuditRecord): Promise<void> {
    try {
      await this.#log.append(record);
    } catch (error) {
      this.#logger.error(
        { err: error, correlationId: record.correlationId },
        'writing the audit record failed',
      );
    }
  }
}

/** The audit outcome of a command the executor finished. */
export const outcomeOfResult = (record: CommandRecord): AuditOutcome => {
  if (record.status === 'succeeded') return 'succeeded';
  return record.result?.failure?.code === 'command_timeout' ? 'timeout' : 'failed';
};
