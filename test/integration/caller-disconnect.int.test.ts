import { Server as HttpServer, request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createAdaptorServer } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';

import { cancelFrameSchema } from '@kubently/protocol';
import type { AuditRecord } from '@kubently/protocol';

import { createMemoryState } from '../../apps/server/src/state/memory/create-memory-state.js';
import type { AuditLog } from '../../apps/server/src/state/audit-log.js';
import type { CommandRecord } from '../../apps/server/src/state/command-store.js';
import type { StateStore } from '../../apps/server/src/state/state-store.js';
import { createFakeClock } from '../../apps/server/test/support/fake-clock.js';
import { createFakeTimers } from '../../apps/server/test/support/fake-timers.js';
import type { FakeTimers } from '../../apps/server/test/support/fake-timers.js';
import { createTestServer, keys } from '../../apps/server/test/support/test-server.js';
import type { TestServer } from '../../apps/server/test/support/test-server.js';

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

const deferred = <T>(): Deferred<T> => {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
};

/** Holds the next `clusters.get` (the first state call of a command submission) until released. */
interface ClusterGate {
  arm(): void;
  readonly reached: Promise<void>;
  release(): void;
}

/**
 * The memory state with two taps: a gate in front of `clusters.get`, and a listener called after
 * each audit record is written (the last step of ending a command: its slot is free by then).
 */
const tappedState = (
  state: StateStore,
): { state: StateStore; gate: ClusterGate; onAudited: (listener: (record: AuditRecord) => void) => void } => {
  let armed = false;
  const reached = deferred<undefined>();
  const released = deferred<undefined>();
  const clusters = new Proxy(state.clusters, {
    get(target, property) {
      if (property === 'get' && armed) {
        armed = false;
        return async (id: string) => {
          reached.resolve(undefined);
          await released.promise;
          return target.get(id);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  const listeners: ((record: AuditRecord) => void)[] = [];
  const audit: AuditLog = {
    append: async (record) => {
      await state.audit.append(record);
      for (const listener of listeners) listener(record);
    },
    query: (filter) => state.audit.query(filter),
  };
  return {
    state: { ...state, clusters, audit },
    gate: {
      arm: () => {
        armed = true;
      },
      reached: reached.promise.then(() => undefined),
      release: () => {
        released.resolve(undefined);
      },
    },
    onAudited: (listener) => {
      listeners.push(listener);
    },
  };
};

interface Harness {
  readonly server: TestServer;
  readonly timers: FakeTimers;
  readonly gate: ClusterGate;
  readonly url: string;
  /** Resolves when the server sees the connection of its next request close. */
  nextServerSideClose(): Promise<void>;
  /**
   * The next command to end, once its ending is complete (audited, slot freed), and whether it
   * was ever queued before that.
   */
  nextEnded(): Promise<{ record: CommandRecord; queuedFirst: boolean }>;
  close(): Promise<void>;
}

/**
 * The app on a real loopback socket through the same Node adapter `start()` uses, with a fake
 * clock and fake timers: no deadline or grace passes unless a test advances time, so a command
 * that ends did so because its caller left, and `finishedAt === createdAt` says it ended at once.
 */
const startHarness = async (): Promise<Harness> => {
  const clock = createFakeClock();
  const timers = createFakeTimers(clock);
  const { state, gate, onAudited } = tappedState(
    createMemoryState({ clock, resultTtlMs: 600_000, auditMaxRecords: 1000 }),
  );
  const audited: ((record: AuditRecord) => void)[] = [];
  onAudited((record) => audited.shift()?.(record));
  const server = createTestServer({}, { clock, timers, state });
  const listener = createAdaptorServer({ fetch: server.app.fetch });
  const closes: (() => void)[] = [];
  listener.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    response.on('close', () => closes.shift()?.());
  });
  await new Promise<void>((resolve) => {
    listener.listen(0, '127.0.0.1', resolve);
  });
  const { port } = listener.address() as AddressInfo;
  return {
    server,
    timers,
    gate,
    url: `http://127.0.0.1:${port}`,
    nextServerSideClose: () =>
      new Promise<void>((resolve) => {
        closes.push(resolve);
      }),
    nextEnded: async () => {
      let queuedFirst = false;
      const unqueued = state.queue.onEnqueued(() => {
        queuedFirst = true;
      });
      const entry = await new Promise<AuditRecord>((resolve) => {
        audited.push(resolve);
      });
      unqueued();
      const record = await state.commands.get(entry.commandId ?? '');
      if (record === null) throw new Error(`command ${String(entry.commandId)} is not stored`);
      return { record, queuedFirst };
    },
    close: async () => {
      if (listener instanceof HttpServer) listener.closeAllConnections();
      await new Promise<void>((resolve) => {
        listener.close(() => {
          resolve();
        });
      });
      await server.close();
    },
  };
};

/** POST /v1/commands over a real socket; the caller destroys the request to disconnect. */
const postCommand = (url: string, body: Record<string, unknown>): ClientRequest => {
  const payload = JSON.stringify(body);
  const request = httpRequest(`${url}/v1/commands`, {
    method: 'POST',
    headers: {
      'x-api-key': keys.operator,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    },
  });
  // The client going away is the point of these tests: its socket error is expected.
  request.on('error', () => undefined);
  request.end(payload);
  return request;
};

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** What a command that ended at its caller's leaving must have let go of. */
const expectNothingHeld = async (current: Harness, record: CommandRecord): Promise<void> => {
  const { state } = current.server.services;
  expect(record.finishedAt).toBe(record.createdAt);
  expect(current.timers.pending()).toBe(0);
  expect((await state.quotas.usage('oncall')).inFlight).toBe(0);
  expect(await state.queue.depth('prod')).toEqual({ queued: 0, pending: 0 });
  const audit = await state.audit.query({ limit: 10 });
  expect(audit.map((entry) => [entry.commandId, entry.outcome])).toEqual([[record.command.id, 'failed']]);
};

describe('a caller that disconnects (real HTTP client)', { timeout: 30_000 }, () => {
  it('before its command was queued: the command is never queued nor sent, and ends at once', async () => {
    const current = await startHarness();
    harness = current;
    await current.server.createCluster('prod');
    const finished = current.nextEnded();
    current.gate.arm();
    const serverSawClose = current.nextServerSideClose();
    const request = postCommand(current.url, {
      clusterId: 'prod',
      args: ['get', 'pods'],
      timeoutSeconds: 300,
    });
    await current.gate.reached;
    request.destroy();
    await serverSawClose;
    current.gate.release();
    const { record, queuedFirst } = await finished;
    expect(queuedFirst).toBe(false);
    expect(record.status).toBe('failed');
    expect(record.failure?.message).toBe(
      'the caller went away before the command was queued; it was not sent',
    );
    await expectNothingHeld(current, record);
  });

  it('after its command was queued, before any executor took it: the command is withdrawn at once', async () => {
    const current = await startHarness();
    harness = current;
    await current.server.createCluster('prod');
    const enqueued = new Promise<void>((resolve) => {
      const stop = current.server.services.state.queue.onEnqueued(() => {
        stop();
        resolve();
      });
    });
    const finished = current.nextEnded();
    const request = postCommand(current.url, {
      clusterId: 'prod',
      args: ['get', 'pods'],
      timeoutSeconds: 300,
    });
    await enqueued;
    request.destroy();
    const { record } = await finished;
    expect(record.failure?.message).toBe('the caller went away before the command was delivered');
    expect(record.deliveredTo).toBeNull();
    await expectNothingHeld(current, record);
  });

  it('while its command runs: the command ends at once and its executor is sent `cancel`', async () => {
    const current = await startHarness();
    harness = current;
    const executor = await current.server.connectExecutor(await current.server.createCluster('prod'));
    const finished = current.nextEnded();
    const request = postCommand(current.url, {
      clusterId: 'prod',
      args: ['get', 'pods'],
      timeoutSeconds: 300,
    });
    const command = await executor.nextCommand();
    request.destroy();
    const { record } = await finished;
    expect(record.failure?.message).toBe(
      'the caller went away while the command was running; the executor was asked to stop it',
    );
    const frame = await executor.reader.nextFrame();
    expect(frame?.event).toBe('cancel');
    expect(cancelFrameSchema.parse(JSON.parse(frame?.data ?? '{}')).commandId).toBe(command.id);
    const { state } = current.server.services;
    expect(record.finishedAt).toBe(record.createdAt);
    expect(current.timers.pending()).toBe(0);
    expect((await state.quotas.usage('oncall')).inFlight).toBe(0);
  });
});
