import { describe, expect, it } from 'vitest';

import type { QuotaLedger, QuotaRequest } from '../../src/state/quota-ledger.js';
import type { Clock } from '../../src/support/clock.js';
import { createFakeClock } from '../support/fake-clock.js';
import type { FakeClock } from '../support/fake-clock.js';

export type QuotaLedgerFactory = (options: { clock: Clock }) => Promise<QuotaLedger> | QuotaLedger;

const limits = { maxInFlight: 2, maxResultBytesPerIdentity: 1000, maxResultBytesTotal: 1500 };

const request = (
  clock: FakeClock,
  identity: string,
  commandId: string,
  overrides: Partial<QuotaRequest> = {},
): QuotaRequest => ({
  identity,
  commandId,
  releaseAt: clock.now() + 60_000,
  ...limits,
  ...overrides,
});

/** Every QuotaLedger implementation must pass this (memory and Redis). */
export const quotaLedgerContract = (name: string, create: QuotaLedgerFactory): void => {
  describe(`${name}: QuotaLedger contract`, () => {
    it('admits up to maxInFlight slots per identity, refuses the next naming the limit, and frees a slot on release', async () => {
      const clock = createFakeClock();
      const ledger = await create({ clock });
      const releaseAt = clock.now() + 30_000;
      expect(await ledger.admit(request(clock, 'alice', 'c1', { releaseAt }))).toEqual({ type: 'admitted' });
      expect(await ledger.admit(request(clock, 'alice', 'c2'))).toEqual({ type: 'admitted' });
      expect(await ledger.admit(request(clock, 'alice', 'c3'))).toEqual({
        type: 'refused',
        limit: 'commands-in-flight-per-identity',
        max: 2,
        current: 2,
        retryAt: releaseAt,
      });
      // Another identity has its own slots.
      expect(await ledger.admit(request(clock, 'bob', 'c4'))).toEqual({ type: 'admitted' });
      await ledger.release('alice', 'c1');
      await ledger.release('alice', 'c1');
      await ledger.release('alice', 'unknown');
      expect(await ledger.usage('alice')).toEqual({ inFlight: 1, resultBytes: 0, resultBytesTotal: 0 });
      expect(await ledger.admit(request(clock, 'alice', 'c3'))).toEqual({ type: 'admitted' });
    });

    it('takes one slot for a command admitted twice', async () => {
      const clock = createFakeClock();
      const ledger = await create({ clock });
      await ledger.admit(request(clock, 'alice', 'c1'));
      await ledger.admit(request(clock, 'alice', 'c1'));
      expect((await ledger.usage('alice')).inFlight).toBe(1);
    });

    it('forgets a slot nobody released once its releaseAt passed (a replica died holding it)', async () => {
      const clock = createFakeClock();
      const ledger = await create({ clock });
      await ledger.admit(request(clock, 'alice', 'c1', { releaseAt: clock.now() + 10_000 }));
      await ledger.admit(request(clock, 'alice', 'c2', { releaseAt: clock.now() + 20_000 }));
      clock.advance(9_999);
      expect((await ledger.usage('alice')).inFlight).toBe(2);
      clock.advance(1);
      expect((await ledger.usage('alice')).inFlight).toBe(1);
      expect(await ledger.admit(request(clock, 'alice', 'c3'))).toEqual({ type: 'admitted' });
    });

    it('refuses an identity whose kept result bytes reached its budget until the oldest expires; others are not held back', async () => {
      const clock = createFakeClock();
      const ledger = await create({ clock });
      const firstExpiry = clock.now() + 600_000;
      await ledger.retain('alice', 'r1', 600, firstExpiry);
      clock.advance(1000);
      await ledger.retain('alice', 'r2', 400, clock.now() + 600_000);
      // Counted once, however often it is reported.
      await ledger.retain('alice', 'r2', 400, clock.now() + 600_000);
      expect(await ledger.usage('alice')).toEqual({ inFlight: 0, resultBytes: 1000, resultBytesTotal: 1000 });
      expect(await ledger.admit(request(clock, 'alice', 'c1'))).toEqual({
        type: 'refused',
        limit: 'result-bytes-per-identity',
        max: 1000,
        current: 1000,
        retryAt: firstExpiry,
      });
      expect(await ledger.admit(request(clock, 'bob', 'c2'))).toEqual({ type: 'admitted' });
      clock.advance(firstExpiry - clock.now());
      expect(await ledger.usage('alice')).toEqual({ inFlight: 0, resultBytes: 400, resultBytesTotal: 400 });
      expect(await ledger.admit(request(clock, 'alice', 'c1'))).toEqual({ type: 'admitted' });
    });

    it('refuses everyone once all kept result bytes reach the total budget, naming that limit', async () => {
      const clock = createFakeClock();
      const ledger = await create({ clock });
      const firstExpiry = clock.now() + 60_000;
      await ledger.retain('alice', 'r1', 800, firstExpiry);
      await ledger.retain('bob', 'r2', 700, clock.now() + 120_000);
      expect(await ledger.admit(request(clock, 'carol', 'c1'))).toEqual({
        type: 'refused',
        limit: 'result-bytes-total',
        max: 1500,
        current: 1500,
        retryAt: firstExpiry,
      });
      // The in-flight limit is checked first.
      await ledger.admit(request(clock, 'dave', 'x1', { maxResultBytesTotal: 1_000_000 }));
      await ledger.admit(request(clock, 'dave', 'x2', { maxResultBytesTotal: 1_000_000 }));
      expect(await ledger.admit(request(clock, 'dave', 'x3'))).toMatchObject({
        limit: 'commands-in-flight-per-identity',
      });
      clock.advance(60_000);
      expect(await ledger.admit(request(clock, 'carol', 'c1'))).toEqual({ type: 'admitted' });
      expect(await ledger.usage('bob')).toEqual({ inFlight: 0, resultBytes: 700, resultBytesTotal: 700 });
    });

    it('keeps identities that differ only in odd characters apart', async () => {
      const clock = createFakeClock();
      const ledger = await create({ clock });
      const odd = ['a:b', 'a', 'a b', '{a}', 'a/b', 'ä'];
      for (const identity of odd) await ledger.admit(request(clock, identity, `c-${identity}`));
      await ledger.retain('a:b', 'r1', 10, clock.now() + 1000);
      for (const identity of odd) {
        expect(await ledger.usage(identity), identity).toEqual({
          inFlight: 1,
          resultBytes: identity === 'a:b' ? 10 : 0,
          resultBytesTotal: 10,
        });
      }
    });
  });
};
