import {
  clusterListSchema,
  commandFrameSchema,
  commandResponseSchema,
  connectedFrameSchema,
  longPollResponseSchema,
  resultAckSchema,
} from '@kubently/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startServer } from './support/kubently.js';
import type { RunningServer } from './support/kubently.js';
import { eventually, stopAll } from './support/processes.js';
import { newExecutorId, RawStream } from './support/raw-executor.js';

/**
 * The server's side of the relay wire, driven by a hand-written executor connection: frame
 * format, Last-Event-ID redelivery to the same executor, acks, long-poll and capabilities.
 */
describe('relay wire (server side, raw executor connection)', () => {
  let server: RunningServer;
  let token: string;
  const clusterId = 'wire';
  const open: RawStream[] = [];

  beforeAll(async () => {
    server = await startServer({ KUBENTLY_REDELIVERY_GRACE_MS: '5000' });
    token = await server.api.addCluster(clusterId);
  });
  afterAll(async () => {
    open.forEach((stream) => {
      stream.close();
    });
    await stopAll();
  });

  const connect = async (executorId: string, lastEventId?: string): Promise<RawStream> => {
    const stream = await RawStream.open({
      url: server.url,
      token,
      executorId,
      ...(lastEventId === undefined ? {} : { lastEventId }),
    });
    open.push(stream);
    return stream;
  };
  const postResult = (executorId: string, commandId: string, stdout: string) =>
    fetch(`${server.url}/v1/executor/results`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-executor-id': executorId,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        commandId,
        exitCode: 0,
        stdout,
        stderr: '',
        durationMs: 1,
        truncated: false,
        redactions: 0,
      }),
    });

  it('streams text/event-stream with a connected frame first', async () => {
    const executorId = newExecutorId();
    const stream = await connect(executorId);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.response.headers.get('cache-control')).toBe('no-cache');
    expect(stream.response.headers.get('x-accel-buffering')).toBe('no');
    const first = await stream.waitForEvent(() => true);
    expect(first.event).toBe('connected');
    expect(connectedFrameSchema.parse(JSON.parse(first.data))).toMatchObject({ clusterId, executorId });
    stream.close();
  });

  it('redelivers an unacked command to the same executor after Last-Event-ID, never an acked one', async () => {
    const executorId = newExecutorId();
    const first = await connect(executorId);
    await first.waitForEvent((e) => e.event === 'connected');
    const queued = await server.api.post('/v1/commands?wait=false', {
      clusterId,
      args: ['get', 'pods', 'redeliver-me'],
    });
    const { id } = commandResponseSchema.parse(queued.body);
    const delivered = await first.waitForEvent((e) => e.event === 'command');
    expect(delivered.id).toBe(id);
    expect(commandFrameSchema.parse(JSON.parse(delivered.data)).command.args).toContain('redeliver-me');
    first.close();

    const second = await connect(executorId, 'some-earlier-id');
    const again = await second.waitForEvent((e) => e.event === 'command');
    expect(again.id).toBe(id);
    const acked = await postResult(executorId, id, 'done once');
    expect(resultAckSchema.parse(await acked.json())).toMatchObject({
      accepted: true,
      commandId: id,
      duplicate: false,
    });
    const duplicate = await postResult(executorId, id, 'done twice');
    expect(resultAckSchema.parse(await duplicate.json()).duplicate).toBe(true);
    const final = commandResponseSchema.parse((await server.api.get(`/v1/commands/${id}`)).body);
    expect(final).toMatchObject({ status: 'succeeded', stdout: 'done once' });
    second.close();

    const third = await connect(executorId, id);
    await third.waitForEvent((e) => e.event === 'connected');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(third.events.filter((e) => e.event === 'command' && e.id === id)).toEqual([]);
    third.close();
  });

  it('long-poll answers an empty batch after `wait`, and a command as soon as one is queued', async () => {
    const executorId = newExecutorId();
    const poll = (wait: number) =>
      fetch(`${server.url}/v1/executor/commands?wait=${wait}`, {
        headers: { authorization: `Bearer ${token}`, 'x-executor-id': executorId },
      });
    const empty = await poll(1);
    expect(empty.status).toBe(200);
    // The answer also announces the result body limit (the default 4 MiB here).
    expect(longPollResponseSchema.parse(await empty.json())).toEqual({ frames: [], maxResultBytes: 4194304 });
    const pending = poll(20);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const queued = await server.api.post('/v1/commands?wait=false', {
      clusterId,
      args: ['get', 'pods', 'polled'],
    });
    const { id } = commandResponseSchema.parse(queued.body);
    const answer = longPollResponseSchema.parse(await (await pending).json());
    expect(answer.frames.map((f) => (f.type === 'command' ? f.command.id : f.type))).toContain(id);
    expect((await postResult(executorId, id, 'polled')).status).toBe(200);
  });

  it('records capabilities for the cluster listing', async () => {
    const executorId = newExecutorId();
    const stream = await connect(executorId);
    await stream.waitForEvent((e) => e.event === 'connected');
    const answer = await fetch(`${server.url}/v1/executor/capabilities`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-executor-id': executorId,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        executorId,
        executorVersion: '9.9.9',
        mode: 'readOnly',
        kubectlVersion: 'v1.31.0',
        kubernetesVersion: 'v1.31.1',
        maxConcurrency: 4,
        transport: 'sse',
      }),
    });
    expect(answer.status).toBe(204);
    await eventually(async () => {
      const clusters = clusterListSchema.parse((await server.api.get('/v1/clusters')).body).clusters;
      const cluster = clusters.find((c) => c.id === clusterId);
      return cluster?.executorVersion === '9.9.9' && cluster.kubernetesVersion === 'v1.31.1'
        ? true
        : undefined;
    });
    stream.close();
  });
});
