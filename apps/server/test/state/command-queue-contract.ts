import { describe, expect, it } from 'vitest';

import type { CommandQueue } from '../../src/state/command-queue.js';
import { makeCommand } from '../support/commands.js';

/** Every CommandQueue implementation must pass this (memory now, Redis later). */
export const commandQueueContract = (
  name: string,
  create: () => Promise<CommandQueue> | CommandQueue,
): void => {
  describe(`${name}: CommandQueue contract`, () => {
    it('delivers queued commands oldest first, each to exactly one claimer', async () => {
      const queue = await create();
      await queue.enqueue(makeCommand('c1'));
      await queue.enqueue(makeCommand('c2'));
      await queue.enqueue(makeCommand('c3'));
      const first = await queue.claim('prod', 'ex-a', 2);
      const second = await queue.claim('prod', 'ex-b', 5);
      expect(first.map((command) => command.id)).toEqual(['c1', 'c2']);
      expect(second.map((command) => command.id)).toEqual(['c3']);
      expect(await queue.claim('prod', 'ex-a', 5)).toEqual([]);
      expect(await queue.depth('prod')).toEqual({ queued: 0, pending: 3 });
    });

    it('reports when the oldest undelivered command was issued, skipping delivered and cancelled ones', async () => {
      const queue = await create();
      expect(await queue.oldestQueuedAt('prod')).toBeNull();
      const at = (minute: number): string => `2026-01-01T00:0${minute}:00.000Z`;
      for (const [id, minute] of [
        ['c1', 1],
        ['c2', 2],
        ['c3', 3],
        ['c4', 4],
      ] as const)
        await queue.enqueue(makeCommand(id, 'prod', { issuedAt: at(minute) }));
      expect(await queue.oldestQueuedAt('prod')).toBe(Date.parse(at(1)));
      await queue.claim('prod', 'ex-a', 1);
      expect(await queue.oldestQueuedAt('prod')).toBe(Date.parse(at(2)));
      expect(await queue.cancel('prod', 'c2')).toBe(true);
      expect(await queue.oldestQueuedAt('prod')).toBe(Date.parse(at(3)));
      await queue.claim('prod', 'ex-b', 5);
      expect(await queue.oldestQueuedAt('prod')).toBeNull();
      expect(await queue.oldestQueuedAt('staging')).toBeNull();
    });

    it('keeps clusters apart', async () => {
      const queue = await create();
      await queue.enqueue(makeCommand('c1', 'prod'));
      await queue.enqueue(makeCommand('c2', 'staging'));
      expect((await queue.claim('staging', 'ex', 10)).map((command) => command.id)).toEqual(['c2']);
      expect((await queue.claim('prod', 'ex', 10)).map((command) => command.id)).toEqual(['c1']);
    });

    it('lists the unacked deliveries of one executor in delivery order until they are acked', async () => {
      const queue = await create();
      for (const id of ['c1', 'c2', 'c3']) await queue.enqueue(makeCommand(id));
      await queue.claim('prod', 'ex-a', 1);
      await queue.claim('prod', 'ex-b', 1);
      await queue.claim('prod', 'ex-a', 1);
      expect((await queue.pending('prod', 'ex-a')).map((command) => command.id)).toEqual(['c1', 'c3']);
      expect(await queue.ack('prod', 'c1')).toBe(true);
      expect(await queue.ack('prod', 'c1')).toBe(false);
      expect((await queue.pending('prod', 'ex-a')).map((command) => command.id)).toEqual(['c3']);
      expect((await queue.pending('prod', 'ex-b')).map((command) => command.id)).toEqual(['c2']);
    });

    it('cancels only undelivered commands', async () => {
      const queue = await create();
      await queue.enqueue(makeCommand('c1'));
      await queue.enqueue(makeCommand('c2'));
      await queue.claim('prod', 'ex', 1);
      expect(await queue.cancel('prod', 'c1')).toBe(false);
      expect(await queue.cancel('prod', 'c2')).toBe(true);
      expect(await queue.cancel('prod', 'c2')).toBe(false);
      expect(await queue.claim('prod', 'ex', 5)).toEqual([]);
    });

    it('releases exactly the unacked commands of a vanished executor, once', async () => {
      const queue = await create();
      for (const id of ['c1', 'c2', 'c3']) await queue.enqueue(makeCommand(id));
      await queue.claim('prod', 'gone', 2);
      await queue.claim('prod', 'alive', 1);
      await queue.ack('prod', 'c1');
      expect((await queue.release('prod', 'gone')).map((command) => command.id)).toEqual(['c2']);
      expect(await queue.release('prod', 'gone')).toEqual([]);
      expect((await queue.pending('prod', 'alive')).map((command) => command.id)).toEqual(['c3']);
    });

    it('purges a cluster, returning queued and pending commands', async () => {
      const queue = await create();
      for (const id of ['c1', 'c2']) await queue.enqueue(makeCommand(id));
      await queue.claim('prod', 'ex', 1);
      expect((await queue.purge('prod')).map((command) => command.id).sort()).toEqual(['c1', 'c2']);
      expect(await queue.depth('prod')).toEqual({ queued: 0, pending: 0 });
    });

    it('signals each enqueue with the cluster id until unsubscribed', async () => {
      const queue = await create();
      const seen: string[] = [];
      const unsubscribe = queue.onEnqueued((clusterId) => seen.push(clusterId));
      await queue.enqueue(makeCommand('c1', 'prod'));
      await queue.enqueue(makeCommand('c2', 'staging'));
      unsubscribe();
      await queue.enqueue(makeCommand('c3', 'prod'));
      expect(seen).toEqual(['prod', 'staging']);
    });
  });
};
