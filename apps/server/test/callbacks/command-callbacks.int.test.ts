import { afterEach, describe, expect, it } from 'vitest';

import { commandResponseSchema, errorBodySchema } from '@kubently/protocol';

import { defaultCallbackConfig } from '../../src/callbacks/callback-config.js';
import type { CallbackConfig } from '../../src/callbacks/callback-config.js';
import { startCallbackReceiver } from '../support/callback-receiver.js';
import type { CallbackReceiver } from '../support/callback-receiver.js';
import { createFakeClock } from '../support/fake-clock.js';
import { createFakeTimers } from '../support/fake-timers.js';
import { createTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

const secret = 'callback-secret-0123456789abcdef0123';
const devCallbacks: CallbackConfig = {
  ...defaultCallbackConfig,
  secret,
  allowHttp: true,
  allowPrivateNetworks: true,
};

let server: TestServer | undefined;
let receiver: CallbackReceiver | undefined;

afterEach(async () => {
  await server?.close();
  await receiver?.close();
  server = undefined;
  receiver = undefined;
});

const secretJson = JSON.stringify({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'shop' },
  data: { password: 'aHVudGVyMg==' },
});

describe('POST /v1/commands with callbackUrl', () => {
  it('answers 202 at once and POSTs the signed, redacted record — the same bytes GET /v1/commands/:id answers', async () => {
    server = createTestServer({ callbacks: devCallbacks });
    receiver = await startCallbackReceiver({ secret, now: Date.now });
    const executor = await server.connectExecutor(await server.createCluster('prod'));
    const response = await server.call('POST', '/v1/commands', {
      as: 'operator',
      body: {
        clusterId: 'prod',
        args: ['get', 'secret', 'db', '-n', 'shop', '-o', 'json'],
        callbackUrl: `${receiver.url}/hooks/kubently`,
      },
    });
    expect(response.status).toBe(202);
    const queued = commandResponseSchema.parse(await response.json());
    expect(queued.status).toBe('queued');
    const command = await executor.nextCommand();
    expect(command.id).toBe(queued.id);
    // An executor that forgot to redact: the server redacts again before anyone sees the result.
    await executor.postResult(command.id, { stdout: secretJson });
    const delivery = await receiver.nth(1);
    expect(delivery.verified).toBe(true);
    expect(delivery.path).toBe('/hooks/kubently');
    expect(delivery.headers['x-kubently-event']).toBe('command.finished');
    const delivered = commandResponseSchema.parse(JSON.parse(delivery.body));
    expect(delivered).toMatchObject({ id: queued.id, status: 'succeeded', exitCode: 0 });
    expect(delivery.body).not.toContain('aHVudGVyMg==');
    expect(delivered.redactions).toBeGreaterThan(0);
    const fetched = await server.call('GET', `/v1/commands/${queued.id}`, { as: 'operator' });
    expect(await fetched.text()).toBe(delivery.body);
  });

  it('delivers the definite failure when the command times out with no executor answer', async () => {
    const clock = createFakeClock(Date.now());
    const timers = createFakeTimers(clock);
    server = createTestServer({ callbacks: devCallbacks }, { clock, timers });
    receiver = await startCallbackReceiver({ secret, now: () => clock.now() });
    const executor = await server.connectExecutor(await server.createCluster('prod'));
    const response = await server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get', 'pods'], timeoutSeconds: 2, callbackUrl: `${receiver.url}/h` },
    });
    expect(response.status).toBe(202);
    await executor.nextCommand();
    expect(receiver.received).toHaveLength(0);
    // The command's timeout plus the server's slack for the executor's own timeout result.
    timers.advance(2000 + 5000);
    const delivery = await receiver.nth(1);
    expect(delivery.verified).toBe(true);
    const delivered = commandResponseSchema.parse(JSON.parse(delivery.body));
    expect(delivered.status).toBe('failed');
    expect(delivered.failure?.code).toBe('command_timeout');
  });

  it('refuses callbackUrl with a clear 400 when the server has no callback secret', async () => {
    server = createTestServer();
    await server.connectExecutor(await server.createCluster('prod'));
    const response = await server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get', 'pods'], callbackUrl: 'https://hooks.example.com/k' },
    });
    expect(response.status).toBe(400);
    const body = errorBodySchema.parse(await response.json());
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.message).toContain('set KUBENTLY_CALLBACK_SECRET');
  });

  it.each([
    ['http://127.0.0.1:9/k', { ...devCallbacks, allowHttp: false }, /must use https/],
    [
      'https://127.0.0.1:9/k',
      { ...devCallbacks, allowPrivateNetworks: false },
      /127\.0\.0\.0\/8 \(loopback\)/,
    ],
    ['https://169.254.169.254/latest/meta-data/', devCallbacks, /never a callback target/],
    ['https://[::ffff:169.254.169.254]/', devCallbacks, /never a callback target/],
    ['not a url', devCallbacks, /callbackUrl.*absolute URL/],
  ])('refuses %s before anything is queued', async (callbackUrl, callbacks, message) => {
    server = createTestServer({ callbacks });
    const executor = await server.connectExecutor(await server.createCluster('prod'));
    const response = await server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args: ['get', 'pods'], callbackUrl },
    });
    expect(response.status).toBe(400);
    expect(errorBodySchema.parse(await response.json()).error.message).toMatch(message);
    await expect(executor.nextCommand(300)).rejects.toThrow();
  });
});
