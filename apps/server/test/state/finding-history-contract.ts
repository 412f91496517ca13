import { describe, expect, it } from 'vitest';

import type { FindingHistory, FindingObservation } from '../../src/state/finding-history.js';

export type FindingHistoryFactory = () => Promise<FindingHistory> | FindingHistory;

const finding = (fingerprint: string, overrides: Partial<FindingObservation> = {}): FindingObservation => ({
  fingerprint,
  rule: 'crash-loop',
  severity: 'critical',
  resource: { kind: 'Pod', namespace: 'shop', name: `pod-${fingerprint}` },
  summary: `pod ${fingerprint} is crash-looping`,
  rootCause: 'the container exits with code 1',
  remediation: 'fix the command',
  evidence: ['kubectl logs -n shop pod --previous'],
  ...overrides,
});

const minute = 60_000;

/** Every FindingHistory implementation must pass this (memory and Redis). */
export const findingHistoryContract = (name: string, create: FindingHistoryFactory): void => {
  describe(`${name}: FindingHistory contract`, () => {
    it('opens a new fingerprint once; new wording of the same fingerprint never transitions again', async () => {
      const history = await create();
      const first = await history.observe({
        clusterId: 'prod',
        scope: 'prod',
        at: 1000,
        findings: [finding('a')],
        flapWindowMs: minute,
      });
      expect(first.map(({ type, record }) => [type, record.fingerprint, record.occurrences])).toEqual([
        ['opened', 'a', 1],
      ]);
      const again = await history.observe({
        clusterId: 'prod',
        scope: 'prod',
        at: 2000,
        findings: [finding('a', { summary: 'reworded', rootCause: 'said differently', severity: 'warning' })],
        flapWindowMs: minute,
      });
      expect(again).toEqual([]);
      expect(await history.get('prod', 'a')).toMatchObject({
        status: 'open',
        firstSeenAt: 1000,
        lastSeenAt: 2000,
        summary: 'reworded',
        severity: 'warning',
        occurrences: 1,
        resolvedAt: null,
      });
      expect(await history.get('prod', 'missing')).toBeNull();
    });

    it('resolves only after missing for the flap window; a return within it is a flap, after it a new occurrence', async () => {
      const history = await create();
      const observe = (at: number, findings: FindingObservation[]) =>
        history.observe({ clusterId: 'prod', scope: 'prod', at, findings, flapWindowMs: minute });
      await observe(0, [finding('a')]);
      expect(await observe(10_000, [])).toEqual([]);
      expect(await history.get('prod', 'a')).toMatchObject({ status: 'open', missingSince: 10_000 });
      // Back before the window ends: same episode, counted as a flap, no notice either way.
      expect(await observe(30_000, [finding('a')])).toEqual([]);
      expect(await history.get('prod', 'a')).toMatchObject({ status: 'open', missingSince: null, flaps: 1 });
      expect(await observe(40_000, [])).toEqual([]);
      const resolved = await observe(40_000 + minute, []);
      expect(resolved.map(({ type, record }) => [type, record.resolvedAt, record.status])).toEqual([
        ['resolved', 40_000, 'resolved'],
      ]);
      expect(await observe(200_000, [])).toEqual([]);
      const reopened = await observe(300_000, [finding('a')]);
      expect(
        reopened.map(({ type, record }) => [type, record.occurrences, record.firstSeenAt, record.resolvedAt]),
      ).toEqual([['reopened', 2, 0, null]]);
    });

    it('resolves at once with a zero window, and only findings of the observing scope', async () => {
      const history = await create();
      await history.observe({
        clusterId: 'prod',
        scope: 'prod/a',
        at: 0,
        findings: [finding('x')],
        flapWindowMs: 0,
      });
      await history.observe({
        clusterId: 'prod',
        scope: 'prod/b',
        at: 0,
        findings: [finding('y')],
        flapWindowMs: 0,
      });
      expect(
        await history.observe({ clusterId: 'prod', scope: 'prod/b', at: 1, findings: [], flapWindowMs: 0 }),
      ).toMatchObject([{ type: 'resolved', record: { fingerprint: 'y' } }]);
      expect(await history.get('prod', 'x')).toMatchObject({ status: 'open' });
    });

    it('lists open first then most recent, filtered by cluster, allowlist and status, limited', async () => {
      const history = await create();
      await history.observe({
        clusterId: 'prod',
        scope: 'prod',
        at: 1,
        findings: [finding('old'), finding('gone')],
        flapWindowMs: 0,
      });
      await history.observe({
        clusterId: 'prod',
        scope: 'prod',
        at: 5,
        findings: [finding('old')],
        flapWindowMs: 0,
      });
      await history.observe({
        clusterId: 'stage',
        scope: 'stage',
        at: 9,
        findings: [finding('new')],
        flapWindowMs: 0,
      });
      const ids = async (filter: Parameters<FindingHistory['list']>[0]) =>
        (await history.list(filter)).map(
          (record) => `${record.clusterId}/${record.fingerprint}/${record.status}`,
        );
      expect(await ids({ limit: 10 })).toEqual(['stage/new/open', 'prod/old/open', 'prod/gone/resolved']);
      expect(await ids({ limit: 10, clusterId: 'prod' })).toEqual(['prod/old/open', 'prod/gone/resolved']);
      expect(await ids({ limit: 10, clusters: ['prod'], status: 'open' })).toEqual(['prod/old/open']);
      expect(await ids({ limit: 10, status: 'resolved' })).toEqual(['prod/gone/resolved']);
      expect(await ids({ limit: 1 })).toEqual(['stage/new/open']);
      expect(await ids({ limit: 10, clusters: [] })).toEqual([]);
    });

    it('grants a scope claim to one holder at a time and renews it for that holder', async () => {
      const history = await create();
      expect(await history.claim('prod', 'replica-a', 0, 60_000)).toBe(true);
      expect(await history.claim('prod', 'replica-b', 0, 60_000)).toBe(false);
      expect(await history.claim('prod', 'replica-a', 0, 60_000)).toBe(true);
      expect(await history.claim('stage', 'replica-b', 0, 60_000)).toBe(true);
    });

    it('keeps dead letters newest first', async () => {
      const history = await create();
      const letter = (fingerprint: string) => ({
        sink: 'ops',
        sinkType: 'webhook',
        event: 'trigger' as const,
        fingerprint,
        clusterId: 'prod',
        attempts: 5,
        error: 'HTTP 500',
        failedAt: 1,
      });
      await history.addDeadLetter(letter('a'));
      await history.addDeadLetter(letter('b'));
      expect((await history.deadLetters(10)).map((item) => item.fingerprint)).toEqual(['b', 'a']);
      expect(await history.deadLetters(1)).toEqual([letter('b')]);
    });
  });
};
