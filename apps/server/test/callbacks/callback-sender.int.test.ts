import { afterEach, describe, expect, it } from 'vitest';

import { defaultCallbackConfig } from '../../src/callbacks/callback-config.js';
import { CallbackSender } from '../../src/callbacks/callback-sender.js';
import type { ResolvedAddress, ResolveHost } from '../../src/callbacks/callback-target.js';
import type { Timers } from '../../src/support/timers.js';
import { startCallbackReceiver } from '../support/callback-receiver.js';
import type { CallbackReceiver, ReceiverAnswer } from '../support/callback-receiver.js';
import { captureLogger } from '../support/captured-logger.js';
import { createFakeClock } from '../support/fake-clock.js';
import { createFakeTimers } from '../support/fake-timers.js';

const secret = 'callback-secret-0123456789abcdef0123';
const receivers: CallbackReceiver[] = [];
const senders: CallbackSender[] = [];

afterEach(async () => {
  for (const sender of senders.splice(0)) sender.close();
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

/** Fake timers that also tell the test when the sender schedules its backoff, and for how long. */
const observedTimers = () => {
  const clock = createFakeClock(Date.now());
  const timers = createFakeTimers(clock);
  const delays: number[] = [];
  let waiting: ((ms: number) => void) | undefined;
  const wrapped: Timers = {
    after: (ms, callback) => {
      delays.push(ms);
      waiting?.(ms);
      waiting = undefined;
      return timers.after(ms, callback);
    },
  };
  return {
    clock,
    timers,
    wrapped,
    delays,
    /** Resolves with the next backoff's length once it is scheduled. */
    nextBackoff: (): Promise<number> =>
      new Promise((resolve) => {
        waiting = resolve;
      }),
  };
};

const setup = async (answers: readonly ReceiverAnswer[], options: { resolve?: ResolveHost } = {}) => {
  const time = observedTimers();
  const receiver = await startCallbackReceiver({ secret, now: () => time.clock.now(), answers });
  receivers.push(receiver);
  const log = captureLogger('info');
  const sender = new CallbackSender({
    config: { ...defaultCallbackConfig, secret, allowHttp: true, allowPrivateNetworks: true, maxAttempts: 3 },
    clock: time.clock,
    timers: time.wrapped,
    logger: log.logger,
    resolve: options.resolve ?? (() => Promise.resolve([{ address: '127.0.0.1', family: 4 }])),
  });
  senders.push(sender);
  return { time, receiver, log, sender };
};

const attemptLines = (log: ReturnType<typeof captureLogger>) =>
  log.lines().filter((line) => line['msg'] === 'callback attempt');

describe('CallbackSender against a real HTTP receiver', () => {
  it('signs the exact body; the receiver verifies it with the documented check', async () => {
    const { receiver, sender, log } = await setup([]);
    const body = JSON.stringify({ id: 'c1', stdout: 'é ✓ "quoted"' });
    const outcome = await sender.deliver({
      url: new URL(`${receiver.url}/hook?token=abc`),
      body,
      contentType: 'application/json',
      subject: { commandId: 'c1' },
    });
    expect(outcome).toEqual({ type: 'delivered', attempts: 1, status: 200 });
    const [delivery] = receiver.received;
    expect(delivery?.verified).toBe(true);
    expect(delivery?.body).toBe(body);
    expect(delivery?.path).toBe('/hook?token=abc');
    expect(delivery?.headers['content-type']).toBe('application/json');
    const lines = attemptLines(log);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ commandId: 'c1', attempt: 1, status: 200, outcome: 'delivered' });
    // The log names the host, never the path or query (tokens live there).
    expect(JSON.stringify(lines)).not.toContain('token=abc');
  });

  it('retries 5xx and 429 with doubling backoff on the injected timers, re-signing each attempt', async () => {
    const { receiver, sender, time, log } = await setup([{ status: 500 }, { status: 429 }]);
    const outcome = sender.deliver({
      url: new URL(`${receiver.url}/hook`),
      body: '{"n":1}',
      contentType: 'application/json',
      subject: { commandId: 'c2' },
    });
    expect(await time.nextBackoff()).toBe(1000);
    expect(receiver.received).toHaveLength(1);
    time.timers.advance(1000);
    expect(await time.nextBackoff()).toBe(2000);
    expect(receiver.received).toHaveLength(2);
    time.timers.advance(2000);
    expect(await outcome).toEqual({ type: 'delivered', attempts: 3, status: 200 });
    expect(receiver.received.map((delivery) => delivery.verified)).toEqual([true, true, true]);
    const timestamps = receiver.received.map((delivery) => delivery.headers['x-kubently-timestamp']);
    expect(new Set(timestamps).size).toBe(3);
    const ids = new Set(receiver.received.map((delivery) => delivery.headers['x-kubently-delivery']));
    expect(ids.size).toBe(1);
    expect(attemptLines(log).map((line) => [line['attempt'], line['outcome']])).toEqual([
      [1, 'retry'],
      [2, 'retry'],
      [3, 'delivered'],
    ]);
  });

  it('gives up after the configured attempts and says so', async () => {
    const { receiver, sender, time, log } = await setup([{ status: 503 }, { status: 503 }, { status: 503 }]);
    const outcome = sender.deliver({
      url: new URL(`${receiver.url}/hook`),
      body: '{}',
      contentType: 'application/json',
      subject: { commandId: 'c3' },
    });
    time.timers.advance(await time.nextBackoff());
    time.timers.advance(await time.nextBackoff());
    expect(await outcome).toEqual({ type: 'gave-up', attempts: 3, reason: 'HTTP 503' });
    expect(receiver.received).toHaveLength(3);
    expect(attemptLines(log).at(-1)).toMatchObject({ attempt: 3, outcome: 'gave-up' });
  });

  it('never follows a redirect (it could point inside the network) and does not retry it', async () => {
    const inside = await startCallbackReceiver({ secret, now: Date.now });
    receivers.push(inside);
    const { receiver, sender, time } = await setup([
      { status: 307, headers: { location: `${inside.url}/internal` } },
    ]);
    const outcome = await sender.deliver({
      url: new URL(`${receiver.url}/hook`),
      body: '{}',
      contentType: 'application/json',
      subject: { commandId: 'c4' },
    });
    expect(outcome).toEqual({
      type: 'refused',
      attempts: 1,
      reason: 'HTTP 307 (redirects are not followed)',
    });
    expect(inside.received).toHaveLength(0);
    expect(time.delays).toEqual([]);
  });

  it('does not retry a 4xx refusal such as a failed signature check', async () => {
    const { receiver, sender, time } = await setup([{ status: 401 }]);
    const outcome = await sender.deliver({
      url: new URL(`${receiver.url}/hook`),
      body: '{}',
      contentType: 'application/json',
      subject: { commandId: 'c5' },
    });
    expect(outcome).toEqual({ type: 'refused', attempts: 1, reason: 'HTTP 401' });
    expect(time.delays).toEqual([]);
  });

  it('checks the address again at delivery: a name rebound to the metadata address gets nothing', async () => {
    const answers: ResolvedAddress[][] = [[{ address: '169.254.169.254', family: 4 }]];
    const { receiver, sender } = await setup([], {
      resolve: () => Promise.resolve(answers[0] ?? []),
    });
    const port = new URL(receiver.url).port;
    const outcome = await sender.deliver({
      url: new URL(`http://hooks.rebind.test:${port}/hook`),
      body: '{}',
      contentType: 'application/json',
      subject: { commandId: 'c6' },
    });
    expect(outcome.type).toBe('refused');
    expect(outcome).toMatchObject({
      reason: expect.stringMatching(/169\.254\.169\.254.*never a callback target/) as unknown,
    });
    expect(receiver.received).toHaveLength(0);
  });

  it('connects to the checked address, whatever the name is: the pinned lookup reaches the receiver', async () => {
    const { receiver, sender } = await setup([], {
      resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
    });
    const port = new URL(receiver.url).port;
    const outcome = await sender.deliver({
      url: new URL(`http://receiver.invalid:${port}/hook`),
      body: '{}',
      contentType: 'application/json',
      subject: { commandId: 'c7' },
    });
    expect(outcome).toEqual({ type: 'delivered', attempts: 1, status: 200 });
    expect(receiver.received[0]?.headers.host).toBe(`receiver.invalid:${port}`);
  });

  it('retries a receiver that is down, then stops at close() without further attempts', async () => {
    const { sender, time } = await setup([]);
    const outcome = sender.deliver({
      url: new URL('http://127.0.0.1:9/hook'),
      body: '{}',
      contentType: 'application/json',
      subject: { commandId: 'c8' },
    });
    expect(await time.nextBackoff()).toBe(1000);
    sender.close();
    expect(await outcome).toEqual({ type: 'aborted', attempts: 1 });
  });
});
