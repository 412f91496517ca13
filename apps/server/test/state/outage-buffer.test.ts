import { describe, expect, it } from 'vitest';

import { isKubentlyError } from '../../src/errors/kubently-error.js';
import { bufferPort, OutageBuffer, wasNotExecuted } from '../../src/state/redis/outage-buffer.js';
import { createFakeClock } from '../support/fake-clock.js';
import { createFakeTimers } from '../support/fake-timers.js';

/** A stand-in for the ioredis client's state: up or down, and what a call does meanwhile. */
const rig = (options: { graceMs?: number; maxCalls?: number; maxBytes?: number } = {}) => {
  const clock = createFakeClock();
  const timers = createFakeTimers(clock);
  const link = { up: true };
  const buffer = new OutageBuffer({
    graceMs: options.graceMs ?? 10_000,
    maxCalls: options.maxCalls ?? 100,
    maxBytes: options.maxBytes ?? 1 << 20,
    retryIntervalMs: 250,
    timers,
    isReady: () => link.up,
    where: 'redis://127.0.0.1:1',
  });
  const written: string[] = [];
  /** A write that Redis refuses unsent while the link is down, as ioredis does without an offline queue. */
  const write = (value: string): Promise<string> =>
    buffer.run(
      () =>
        link.up
          ? Promise.resolve().then(() => {
              written.push(value);
              return value;
            })
          : Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
      () => value.length,
    );
  return { clock, timers, link, buffer, written, write };
};

/** Lets every settled promise run its continuations. */
const flush = async (): Promise<void> => {
  for (let index = 0; index < 20; index += 1) await Promise.resolve();
};

const settled = <T>(promise: Promise<T>) => {
  const state: { value?: T; error?: unknown; done: boolean } = { done: false };
  promise.then(
    (value) => {
      state.value = value;
      state.done = true;
    },
    (error: unknown) => {
      state.error = error;
      state.done = true;
    },
  );
  return state;
};

describe('OutageBuffer', () => {
  it('calls made while Redis is away wait, then run once each in arrival order when it is back', async () => {
    const { link, buffer, written, write } = rig();
    link.up = false;
    const calls = ['a', 'b', 'c'].map((value) => settled(write(value)));
    await flush();
    expect(calls.some((call) => call.done)).toBe(false);
    expect(buffer.size).toEqual({ calls: 3, bytes: 3 });
    link.up = true;
    buffer.ready();
    await flush();
    expect(written).toEqual(['a', 'b', 'c']);
    expect(calls.map((call) => call.value)).toEqual(['a', 'b', 'c']);
    expect(buffer.size).toEqual({ calls: 0, bytes: 0 });
  });

  it('a call refused unexecuted (link dropped under it) waits and runs once Redis is back, without a ready event (retry tick)', async () => {
    const { link, timers, written, buffer } = rig();
    let attempts = 0;
    const call = settled(
      buffer.run(
        () => {
          attempts += 1;
          if (attempts === 1) {
            link.up = false;
            return Promise.reject(new Error('CLUSTERDOWN The cluster is down'));
          }
          written.push('x');
          return Promise.resolve('x');
        },
        () => 1,
      ),
    );
    await flush();
    expect(call.done).toBe(false);
    timers.advance(250);
    await flush();
    expect(attempts).toBe(1);
    link.up = true;
    timers.advance(250);
    await flush();
    expect(call.value).toBe('x');
    expect(written).toEqual(['x']);
  });

  it('past the grace the caller gets a definite backend_unavailable naming the variable; nothing is written later', async () => {
    const { link, timers, buffer, written, write } = rig({ graceMs: 3000 });
    link.up = false;
    const call = settled(write('late'));
    timers.advance(2999);
    await flush();
    expect(call.done).toBe(false);
    timers.advance(1);
    await flush();
    expect(isKubentlyError(call.error) && call.error.code).toBe('backend_unavailable');
    expect(String(call.error)).toContain('KUBENTLY_REDIS_OUTAGE_GRACE_MS=3000');
    link.up = true;
    buffer.ready();
    timers.advance(1000);
    await flush();
    expect(written).toEqual([]);
    expect(buffer.size.calls).toBe(0);
  });

  it('over the count or byte bound, the next call is refused at once; the waiting ones still run', async () => {
    const { link, buffer, written, write } = rig({ maxCalls: 2, maxBytes: 10 });
    link.up = false;
    const first = settled(write('aaaa'));
    const second = settled(write('bbbb'));
    const third = settled(write('c'));
    await flush();
    expect(isKubentlyError(third.error) && third.error.code).toBe('backend_unavailable');
    expect(String(third.error)).toContain('KUBENTLY_REDIS_OUTAGE_MAX_CALLS=2');
    link.up = true;
    buffer.ready();
    await flush();
    expect([first.value, second.value]).toEqual(['aaaa', 'bbbb']);
    link.up = false;
    const big = settled(write('0123456789a'));
    await flush();
    expect(String(big.error)).toContain('KUBENTLY_REDIS_OUTAGE_MAX_BYTES=10');
    expect(written).toEqual(['aaaa', 'bbbb']);
  });

  it('a call that was sent and got no answer is not retried (it may have run): its error passes through', async () => {
    const { buffer } = rig();
    let attempts = 0;
    const call = settled(
      buffer.run(
        () => {
          attempts += 1;
          return Promise.reject(new Error('Command timed out'));
        },
        () => 1,
      ),
    );
    await flush();
    expect(attempts).toBe(1);
    expect(String(call.error)).toContain('Command timed out');
    expect(wasNotExecuted(new Error('Connection is closed.'))).toBe(false);
    expect(wasNotExecuted(new Error("READONLY You can't write against a read only replica."))).toBe(true);
  });

  it('while calls wait, a new call queues behind them even though Redis is back (order kept)', async () => {
    const { link, buffer, written, write } = rig();
    link.up = false;
    const first = settled(write('first'));
    await flush();
    link.up = true;
    const second = settled(write('second'));
    await flush();
    expect(written).toEqual([]);
    buffer.ready();
    await flush();
    expect(written).toEqual(['first', 'second']);
    expect([first.done, second.done]).toEqual([true, true]);
  });

  it('grace 0 disables it: a refused call fails at once', async () => {
    const { link, write, buffer } = rig({ graceMs: 0 });
    link.up = false;
    const call = settled(write('x'));
    await flush();
    expect(String(call.error)).toContain("Stream isn't writeable");
    expect(buffer.size.calls).toBe(0);
  });

  it('bufferPort: listener registrations pass straight through; promise methods go through the buffer', async () => {
    const { link, buffer } = rig();
    // A class with private fields, like the Redis ports: the methods must run on the port itself.
    class Port {
      readonly #prefix = 'got';
      #listeners = 0;
      onFinished(listener: () => void): number {
        this.#listeners += 1;
        listener();
        return this.#listeners;
      }
      get(id: string): Promise<string> {
        return Promise.resolve(`${this.#prefix} ${id}`);
      }
    }
    const port = new Port();
    const wrapped = bufferPort(port, buffer);
    let heard = 0;
    expect(wrapped.onFinished(() => (heard += 1))).toBe(1);
    expect(heard).toBe(1);
    link.up = false;
    const call = settled(wrapped.get('c1'));
    await flush();
    expect(call.done).toBe(false);
    link.up = true;
    buffer.ready();
    await flush();
    expect(call.value).toBe('got c1');
  });

  it('close fails every waiting call definitely', async () => {
    const { link, write, buffer } = rig();
    link.up = false;
    const call = settled(write('x'));
    await flush();
    buffer.close();
    await flush();
    expect(isKubentlyError(call.error) && call.error.code).toBe('backend_unavailable');
  });
});
