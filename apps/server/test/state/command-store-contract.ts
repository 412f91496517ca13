import { describe, expect, it } from 'vitest';

import type { CommandOrigin, CommandRecord, CommandStore } from '../../src/state/command-store.js';
import type { Clock } from '../../src/support/clock.js';
import { makeCommand, makeResult } from '../support/commands.js';
import { createFakeClock } from '../support/fake-clock.js';

const origin: CommandOrigin = { identity: 'alice', role: 'operator', source: 'rest' };
const resultTtlMs = 60_000;

export type CommandStoreFactory = (options: {
  clock: Clock;
  resultTtlMs: number;
}) => Promise<CommandStore> | CommandStore;

/** Every CommandStore implementation must pass this (memory now, Redis later). */
export const commandStoreContract = (name: string, create: CommandStoreFactory): void => {
  describe(`${name}: CommandStore contract`, () => {
    it('creates queued records and moves them to running on delivery', async () => {
      const clock = createFakeClock();
      const store = await create({ clock, resultTtlMs });
      const created = await store.create(makeCommand('c1'), origin);
      expect(created).toMatchObject({ status: 'queued', deliveredTo: null, acked: false, origin });
      await store.markDelivered('c1', 'ex-1');
      expect(await store.get('c1')).toMatchObject({ status: 'running', deliveredTo: 'ex-1' });
      expect(await store.get('missing')).toBeNull();
    });

    it('finishes on the first result, reports later ones as duplicates, and keeps the first', async () => {
      const clock = createFakeClock();
      const store = await create({ clock, resultTtlMs });
      const at = clock.now();
      const finished: CommandRecord[] = [];
      store.onFinished((record) => finished.push(record));
      await store.create(makeCommand('c1'), origin);
      const first = await store.acknowledge('c1', makeResult('c1', { exitCode: 1, stdout: 'first' }), at + 1);
      const second = await store.acknowledge('c1', makeResult('c1', { stdout: 'second' }), at + 2);
      expect(first).toMatchObject({
        duplicate: false,
        finished: true,
        record: { status: 'failed', acked: true },
      });
      expect(second).toMatchObject({ duplicate: true, finished: false });
      expect((await store.get('c1'))?.result?.stdout).toBe('first');
      expect(finished.map((record) => record.command.id)).toEqual(['c1']);
      expect(await store.acknowledge('unknown', makeResult('unknown'), at + 3)).toBeNull();
    });

    it('marks exit code 0 without failure succeeded, anything else failed', async () => {
      const clock = createFakeClock();
      const store = await create({ clock, resultTtlMs });
      const at = clock.now();
      await store.create(makeCommand('ok'), origin);
      await store.create(makeCommand('denied'), origin);
      await store.acknowledge('ok', makeResult('ok'), at + 1);
      await store.acknowledge(
        'denied',
        makeResult('denied', { exitCode: 0, failure: { code: 'policy_denied', message: 'no' } }),
        at + 1,
      );
      expect((await store.get('ok'))?.status).toBe('succeeded');
      expect((await store.get('denied'))?.status).toBe('failed');
    });

    it('fails a command once; a late result is acked but does not change it', async () => {
      const clock = createFakeClock();
      const store = await create({ clock, resultTtlMs });
      const at = clock.now();
      const finished: string[] = [];
      store.onFinished((record) => finished.push(record.status));
      await store.create(makeCommand('c1'), origin);
      const failure = { code: 'command_timeout' as const, message: 'late' };
      expect(await store.fail('c1', { failure, at: at + 10 })).toMatchObject({
        status: 'failed',
        failure,
        finishedAt: at + 10,
      });
      expect(await store.fail('c1', { failure, at: at + 11 })).toBeNull();
      const late = await store.acknowledge('c1', makeResult('c1'), at + 12);
      expect(late).toMatchObject({
        duplicate: false,
        finished: false,
        record: { status: 'failed', failure, acked: true },
      });
      expect(await store.acknowledge('c1', makeResult('c1'), at + 13)).toMatchObject({ duplicate: true });
      expect(finished).toEqual(['failed']);
    });

    it('cannot fail a command that already has its result', async () => {
      const clock = createFakeClock();
      const store = await create({ clock, resultTtlMs });
      const at = clock.now();
      await store.create(makeCommand('c1'), origin);
      await store.acknowledge('c1', makeResult('c1'), at + 1);
      expect(
        await store.fail('c1', { failure: { code: 'executor_error', message: 'x' }, at: at + 2 }),
      ).toBeNull();
      expect((await store.get('c1'))?.status).toBe('succeeded');
    });

    it('forgets a finished record after the result TTL, an unfinished one after timeout plus TTL', async () => {
      const clock = createFakeClock();
      const store = await create({ clock, resultTtlMs });
      await store.create(makeCommand('done', 'prod', { timeoutSeconds: 10 }), origin);
      await store.create(makeCommand('open', 'prod', { timeoutSeconds: 10 }), origin);
      await store.acknowledge('done', makeResult('done'), clock.now());
      clock.advance(resultTtlMs - 1);
      expect(await store.get('done')).not.toBeNull();
      clock.advance(1);
      expect(await store.get('done')).toBeNull();
      expect(await store.get('open')).not.toBeNull();
      clock.advance(10_000);
      expect(await store.sweep()).toBeGreaterThanOrEqual(1);
      expect(await store.get('open')).toBeNull();
    });
  });
};
