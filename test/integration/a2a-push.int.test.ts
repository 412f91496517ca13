import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Client } from '@a2a-js/sdk/client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { buildExecutorConfig, start as startExecutor } from '@kubently/executor';
import type { RunningExecutor } from '@kubently/executor';
import { createConfig, defaultCallbackConfig, start } from '@kubently/server';
import type { RunningServer } from '@kubently/server';

import { startCallbackReceiver } from '../../apps/server/test/support/callback-receiver.js';
import type { CallbackReceiver, ReceivedDelivery } from '../../apps/server/test/support/callback-receiver.js';
import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import { a2aClient, userMessage, withKey } from './support/a2a-client.js';
import { Api, adminKey } from './support/kubently.js';

/**
 * Issue #17 item 6, A2A half: push notifications through the real SDK client. The server signs
 * every push like a command callback and checks push URLs like callback URLs.
 */
const secret = `push-${'0123456789abcdef'.repeat(3)}`;
const clusterId = 'push-prod';

/** The v1 JSON of a pushed StreamResponse, as far as this test reads it. */
const pushSchema = z.object({
  task: z.object({ id: z.string(), status: z.object({ state: z.string() }) }).optional(),
  statusUpdate: z.object({ taskId: z.string(), status: z.object({ state: z.string() }) }).optional(),
  artifactUpdate: z.object({ taskId: z.string() }).optional(),
});
const stateOf = (delivery: ReceivedDelivery): string | undefined => {
  const push = pushSchema.parse(JSON.parse(delivery.body));
  return push.statusUpdate?.status.state ?? push.task?.status.state;
};

describe('A2A push notifications', { timeout: 120_000 }, () => {
  let server: RunningServer;
  let executor: RunningExecutor;
  let receiver: CallbackReceiver;
  let client: Client;

  beforeAll(async () => {
    server = await start(
      createConfig({
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
        apiKeys: [{ identity: 'root', key: adminKey, role: 'admin' }],
        callbacks: { ...defaultCallbackConfig, secret, allowHttp: true, allowPrivateNetworks: true },
      }),
      { logger: pino({ level: 'silent' }), model: null },
    );
    const api = new Api(server.url, adminKey);
    const token = await api.addCluster(clusterId);
    executor = await startExecutor(
      buildExecutorConfig(
        {
          apiUrl: server.url,
          clusterId,
          token,
          kubectl: createFakeKubectl('fake-kubectl-lists.mjs').path,
          logLevel: 'silent',
        },
        { PATH: process.env['PATH'] ?? '', HOME: mkdtempSync(join(tmpdir(), 'kubently-push-')) },
      ),
    );
    await api.waitForExecutors(clusterId);
    receiver = await startCallbackReceiver({ secret, now: Date.now });
    client = await a2aClient(server.url);
  });

  afterAll(async () => {
    await executor.close();
    await server.close();
    await receiver.close();
  });

  it('the card announces push notifications when a callback secret is configured', async () => {
    const card = await client.getAgentCard(withKey(adminKey));
    expect(card.capabilities?.pushNotifications).toBe(true);
  });

  it('pushes every task event, signed, with the config token, in order, ending with COMPLETED', async () => {
    const request = userMessage('What is broken in namespace shop?', { clusterId, namespace: 'shop' });
    const result = await client.sendMessage(
      {
        ...request,
        configuration: {
          acceptedOutputModes: [],
          taskPushNotificationConfig: {
            tenant: '',
            id: '',
            taskId: '',
            url: `${receiver.url}/a2a-push`,
            token: 'task-token-123',
            authentication: undefined,
          },
          historyLength: undefined,
          returnImmediately: true,
        },
      },
      withKey(adminKey),
    );
    const taskId = 'id' in result ? result.id : '';
    expect(taskId).not.toBe('');
    const completed = await receiver.waitFor((delivery) => stateOf(delivery) === 'TASK_STATE_COMPLETED');
    const pushes = receiver.received.filter((delivery) => delivery.path === '/a2a-push');
    expect(pushes.length).toBeGreaterThan(1);
    expect(pushes.at(-1)).toBe(completed);
    for (const push of pushes) {
      expect(push.verified).toBe(true);
      expect(push.headers['x-a2a-notification-token']).toBe('task-token-123');
      expect(push.headers['content-type']).toBe('application/a2a+json');
      const body = pushSchema.parse(JSON.parse(push.body));
      expect(body.task?.id ?? body.statusUpdate?.taskId ?? body.artifactUpdate?.taskId).toBe(taskId);
    }
    // The first event of a task is the task itself; the rest are its updates.
    expect(pushSchema.parse(JSON.parse(pushes[0]?.body ?? '{}')).task?.id).toBe(taskId);

    // A config for the metadata service is refused when it is set, naming the range and the fix.
    await expect(
      client.createTaskPushNotificationConfig(
        {
          tenant: '',
          id: '',
          taskId,
          url: 'http://169.254.169.254/latest/meta-data/',
          token: '',
          authentication: undefined,
        },
        withKey(adminKey),
      ),
    ).rejects.toThrow(/pushNotificationConfig\.url .*169\.254\.169\.254.*never a callback target/);
    await expect(
      client.createTaskPushNotificationConfig(
        { tenant: '', id: '', taskId, url: 'ftp://hooks.example.com/', token: '', authentication: undefined },
        withKey(adminKey),
      ),
    ).rejects.toThrow(/must be an https URL/);
    const listed = await client.listTaskPushNotificationConfig(
      { tenant: '', taskId, pageSize: 0, pageToken: '' },
      withKey(adminKey),
    );
    expect(listed.configs.map((config) => config.url)).toEqual([`${receiver.url}/a2a-push`]);
  });
});
