import { diagnose } from '@kubently/diagnosis';
import type { Report } from '@kubently/diagnosis';
import type { Notification } from '@kubently/notify';
import { describe, expect, it } from 'vitest';

import { app, snapshot, withApps } from '../../../../packages/diagnosis/test/fixtures/builders.js';
import { MemoryFindingHistory } from '../../src/state/memory/memory-finding-history.js';
import { scopeOf, WatchLoop } from '../../src/watch/index.js';
import type { WatchCheckInput, WatchTarget } from '../../src/watch/index.js';
import { captureLogger } from '../support/captured-logger.js';
import { createFakeClock } from '../support/fake-clock.js';
import { createFakeTimers } from '../support/fake-timers.js';

/** The real engine over a snapshot where `web` either crash-loops or is healthy. */
const reportOf = (isBroken: boolean, reason = 'CrashLoopBackOff'): Report => {
  const web = isBroken
    ? app('web', {
        podReady: false,
        status: {
          ready: false,
          restartCount: 7,
          state: { waiting: { reason, message: `back-off ${reason}` } },
        },
      })
    : app('web');
  return diagnose(snapshot(withApps({}, web)), { now: () => new Date('2026-11-24T01:00:00Z') });
};

const target: WatchTarget = { clusterId: 'prod', namespaces: ['shop'], intervalMs: 30_000 };

const setup = (options: { flapWindowMs?: number; holder?: string; history?: MemoryFindingHistory } = {}) => {
  const clock = createFakeClock();
  const timers = createFakeTimers(clock);
  const history = options.history ?? new MemoryFindingHistory();
  const sent: Notification[] = [];
  const checks: WatchCheckInput[] = [];
  let broken = true;
  let failing = false;
  let release: (() => void) | undefined;
  const loop = new WatchLoop({
    targets: [target],
    diagnose: async (input) => {
      checks.push(input);
      if (release !== undefined) await new Promise<void>((resolve) => (release = resolve));
      if (failing) throw new Error('executor_unavailable: no executor of prod is connected');
      return reportOf(broken);
    },
    history,
    notify: (notification) => {
      sent.push(notification);
      return Promise.resolve([]);
    },
    clock,
    timers,
    logger: captureLogger().logger,
    holder: options.holder ?? 'replica-a',
    flapWindowMs: options.flapWindowMs ?? 60_000,
    jitter: 0.1,
    random: () => 0.5,
    ids: () => 'id',
  });
  return {
    loop,
    clock,
    timers,
    history,
    sent,
    checks,
    setBroken: (value: boolean) => (broken = value),
    setFailing: (value: boolean) => (failing = value),
    hold: () => (release = () => undefined),
    releaseHeld: () => release?.(),
  };
};

describe('WatchLoop', () => {
  it('notifies a new root cause once, keeps quiet while it stays, and resolves it after the flap window', async () => {
    const watch = setup({ flapWindowMs: 60_000 });
    const first = await watch.loop.check(target);
    expect(first.type).toBe('checked');
    await watch.loop.settled();
    expect(watch.sent.map((item) => [item.event, item.clusterId, item.resource.name])).toEqual([
      ['trigger', 'prod', 'web'],
    ]);
    const fingerprint = watch.sent[0]!.fingerprint;
    expect((await watch.history.get('prod', fingerprint))?.status).toBe('open');

    await watch.loop.check(target);
    expect(watch.sent).toHaveLength(1);

    watch.setBroken(false);
    watch.clock.advance(30_000);
    await watch.loop.check(target); // missing, inside the window
    watch.clock.advance(30_000);
    await watch.loop.check(target); // missing for 30 s: still open
    expect(watch.sent).toHaveLength(1);
    watch.clock.advance(30_000);
    await watch.loop.check(target); // missing for 60 s: resolved
    await watch.loop.settled();
    expect(watch.sent.map((item) => [item.event, item.fingerprint])).toEqual([
      ['trigger', fingerprint],
      ['resolve', fingerprint],
    ]);
  });

  it('suppresses a flap: gone and back inside the window sends nothing', async () => {
    const watch = setup({ flapWindowMs: 120_000 });
    await watch.loop.check(target);
    watch.setBroken(false);
    watch.clock.advance(30_000);
    await watch.loop.check(target);
    watch.setBroken(true);
    watch.clock.advance(30_000);
    await watch.loop.check(target);
    await watch.loop.settled();
    expect(watch.sent.map((item) => item.event)).toEqual(['trigger']);
    expect((await watch.history.list({ limit: 10 }))[0]).toMatchObject({
      flaps: 1,
      occurrences: 1,
      status: 'open',
    });
  });

  it('a failed check changes nothing: an unreachable cluster resolves no finding', async () => {
    const watch = setup({ flapWindowMs: 0 });
    await watch.loop.check(target);
    watch.setFailing(true);
    expect(await watch.loop.check(target)).toMatchObject({
      type: 'failed',
      error: expect.stringContaining('executor_unavailable') as unknown,
    });
    await watch.loop.settled();
    expect(watch.sent.map((item) => item.event)).toEqual(['trigger']);
    expect((await watch.history.list({ limit: 10 }))[0]?.status).toBe('open');
  });

  it('runs one check per cluster at a time and only on the replica holding the claim', async () => {
    const history = new MemoryFindingHistory();
    const a = setup({ history, holder: 'replica-a' });
    const b = setup({ history, holder: 'replica-b' });
    a.hold();
    const running = a.loop.check(target);
    expect(await a.loop.check({ ...target, namespaces: ['other'] })).toEqual({
      type: 'skipped',
      reason: 'cluster-busy',
    });
    a.releaseHeld();
    await running;
    expect(await b.loop.check(target)).toEqual({ type: 'skipped', reason: 'claimed-elsewhere' });
    expect(b.checks).toHaveLength(0);
  });

  it('schedules checks on the injected timers: first within the jitter, then every interval plus jitter', async () => {
    const watch = setup();
    watch.loop.start();
    expect(watch.timers.pending()).toBe(1);
    watch.timers.advance(1499); // 30 s × 0.1 jitter × 0.5
    expect(watch.checks).toHaveLength(0);
    watch.timers.advance(1);
    await expect.poll(() => watch.checks.length).toBe(1);
    await expect.poll(() => watch.timers.pending()).toBe(1);
    watch.timers.advance(31_499);
    expect(watch.checks).toHaveLength(1);
    watch.timers.advance(1);
    await expect.poll(() => watch.checks.length).toBe(2);
    expect(watch.checks.map((check) => [check.clusterId, check.namespaces])).toEqual([
      ['prod', ['shop']],
      ['prod', ['shop']],
    ]);
    await watch.loop.close();
    expect(watch.timers.pending()).toBe(0);
    expect(scopeOf(target)).toBe('prod/shop');
  });
});
