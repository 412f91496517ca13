import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

import type { AuditRecord } from '@kubently/protocol';

import type { CommandFeedNotice } from '../../src/commands/command-feed.js';
import { CommandFeed } from '../../src/commands/command-feed.js';
import { MemoryAuditLog } from '../../src/state/memory/memory-audit-log.js';
import { createFakeClock } from '../support/fake-clock.js';
import { createFakeTimers } from '../support/fake-timers.js';

const record = (id: string, outcome: AuditRecord['outcome'] = 'succeeded'): AuditRecord => ({
  id,
  at: '2026-01-01T00:00:00.000Z',
  identity: 'oncall',
  role: 'operator',
  clusterId: 'prod',
  commandId: outcome === 'denied' ? null : id,
  sessionId: null,
  correlationId: `c-${id}`,
  argv: ['get', 'pods'],
  decision: outcome === 'denied' ? 'denied' : 'allowed',
  reason: null,
  outcome,
  exitCode: outcome === 'denied' ? null : 0,
  durationMs: 5,
  bytes: 10,
  source: 'rest',
});

const setup = (window = 200) => {
  const audit = new MemoryAuditLog(1000);
  const timers = createFakeTimers(createFakeClock());
  const feed = new CommandFeed({
    audit,
    timers,
    logger: pino({ level: 'silent' }),
    intervalMs: 1000,
    window,
    backlog: 3,
  });
  const seen: CommandFeedNotice[] = [];
  const listener = (notice: CommandFeedNotice): void => {
    seen.push(notice);
  };
  const ids = (): string[] => seen.map((notice) => (notice.type === 'command' ? notice.record.id : 'gap'));
  return { audit, timers, feed, listener, seen, ids };
};

/** Lets the read the timer started settle (the memory log answers at once). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('CommandFeed', () => {
  it('gives a new listener the recent records as backlog, then each new record once, in order', async () => {
    const { audit, timers, feed, listener, ids } = setup();
    for (const id of ['a', 'b', 'c', 'd']) await audit.append(record(id));
    const subscription = await feed.subscribe(listener);
    expect(subscription.backlog.map((entry) => entry.id)).toEqual(['b', 'c', 'd']);
    await audit.append(record('e'));
    await audit.append(record('f', 'denied'));
    timers.advance(1000);
    await settle();
    expect(ids()).toEqual(['e', 'f']);
    timers.advance(1000);
    await settle();
    expect(ids()).toEqual(['e', 'f']);
    subscription.close();
  });

  it('polls only while someone listens', async () => {
    const { audit, timers, feed, listener } = setup();
    const subscription = await feed.subscribe(listener);
    expect(timers.pending()).toBe(1);
    subscription.close();
    expect(timers.pending()).toBe(0);
    await audit.append(record('late'));
    const again = await feed.subscribe(listener);
    expect(again.backlog.map((entry) => entry.id)).toEqual(['late']);
    expect(timers.pending()).toBe(1);
    feed.close();
    expect(timers.pending()).toBe(0);
  });

  it('says so when more records landed between two reads than it reads at once', async () => {
    const { audit, feed, listener, ids } = setup(2);
    await feed.subscribe(listener);
    for (const id of ['a', 'b', 'c']) await audit.append(record(id));
    await feed.poll();
    expect(ids()).toEqual(['gap', 'b', 'c']);
  });

  it('ends every subscriber when it closes and refuses new ones', async () => {
    const { feed, listener } = setup();
    let ended = 0;
    await feed.subscribe(listener, () => {
      ended += 1;
    });
    feed.close();
    expect(ended).toBe(1);
    await expect(feed.subscribe(listener)).rejects.toMatchObject({ code: 'shutting_down' });
  });
});
