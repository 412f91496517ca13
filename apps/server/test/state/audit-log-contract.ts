import { describe, expect, it } from 'vitest';

import type { AuditRecord } from '@kubently/protocol';

import type { AuditLog } from '../../src/state/audit-log.js';
import { isoAt } from '../../src/support/clock.js';

export type AuditLogFactory = (options: { maxRecords: number }) => Promise<AuditLog> | AuditLog;

const record = (index: number, clusterId = 'prod'): AuditRecord => ({
  id: `a${index}`,
  at: isoAt(Date.parse('2026-01-01T00:00:00.000Z') + index * 1000),
  identity: 'alice',
  role: 'operator',
  clusterId,
  commandId: `c${index}`,
  sessionId: null,
  correlationId: `corr-${index}`,
  argv: ['get', 'pods'],
  decision: 'allowed',
  reason: null,
  outcome: 'succeeded',
  exitCode: 0,
  durationMs: 1,
  bytes: 10,
  source: 'rest',
});

/** Every AuditLog implementation must pass this (memory now, Redis later). */
export const auditLogContract = (name: string, create: AuditLogFactory): void => {
  describe(`${name}: AuditLog contract`, () => {
    it('answers newest first, filtered by cluster and time, up to the limit', async () => {
      const log = await create({ maxRecords: 100 });
      for (let index = 1; index <= 6; index += 1)
        await log.append(record(index, index % 2 === 0 ? 'prod' : 'staging'));
      expect((await log.query({ limit: 3 })).map((entry) => entry.id)).toEqual(['a6', 'a5', 'a4']);
      expect((await log.query({ clusterId: 'prod', limit: 10 })).map((entry) => entry.id)).toEqual([
        'a6',
        'a4',
        'a2',
      ]);
      const since = Date.parse(record(5).at);
      expect((await log.query({ since, limit: 10 })).map((entry) => entry.id)).toEqual(['a6', 'a5']);
    });

    it('keeps at most maxRecords, dropping the oldest', async () => {
      const log = await create({ maxRecords: 3 });
      for (let index = 1; index <= 5; index += 1) await log.append(record(index));
      expect((await log.query({ limit: 10 })).map((entry) => entry.id)).toEqual(['a5', 'a4', 'a3']);
    });
  });
};
