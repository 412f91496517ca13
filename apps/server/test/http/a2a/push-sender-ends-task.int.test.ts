import { TaskState } from '@a2a-js/sdk';
import type { StreamResponse } from '@a2a-js/sdk';
import { ServerCallContext } from '@a2a-js/sdk/server';
import { afterEach, describe, expect, it } from 'vitest';

import { defaultCallbackConfig } from '../../../src/callbacks/callback-config.js';
import { CallbackSender } from '../../../src/callbacks/callback-sender.js';
import {
  CheckedPushNotificationStore,
  SignedPushNotificationSender,
} from '../../../src/http/a2a/signed-push-notifications.js';
import { startCallbackReceiver } from '../../support/callback-receiver.js';
import type { CallbackReceiver } from '../../support/callback-receiver.js';
import { captureLogger } from '../../support/captured-logger.js';
import { createFakeClock } from '../../support/fake-clock.js';
import { createFakeTimers } from '../../support/fake-timers.js';

const secret = 'push-secret-0123456789abcdef0123456';
const config = { ...defaultCallbackConfig, secret, allowHttp: true, allowPrivateNetworks: true };
const resolve = () => Promise.resolve([{ address: '127.0.0.1', family: 4 as const }]);
const receivers: CallbackReceiver[] = [];

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

const status = (taskId: string, state: TaskState): StreamResponse => ({
  payload: {
    $case: 'statusUpdate',
    value: {
      taskId,
      contextId: 'c1',
      status: { state, message: undefined, timestamp: undefined },
      metadata: undefined,
    },
  },
});

describe('SignedPushNotificationSender and the push config limit', () => {
  it('marks a task ended on its terminal event, so its configs make room for new tasks', async () => {
    const clock = createFakeClock(Date.now());
    const receiver = await startCallbackReceiver({ secret, now: () => clock.now() });
    receivers.push(receiver);
    const store = new CheckedPushNotificationStore(config, resolve, { perTask: 5, total: 1 });
    const sender = new CallbackSender({
      config,
      clock,
      timers: createFakeTimers(clock),
      logger: captureLogger('info').logger,
      resolve,
    });
    const push = new SignedPushNotificationSender(store, sender, captureLogger('info').logger);
    const context = new ServerCallContext({ user: { isAuthenticated: true, userName: 'alice' } });
    const target = (taskId: string) => ({
      tenant: '',
      id: '',
      taskId,
      url: `${receiver.url}/${taskId}`,
      token: '',
      authentication: undefined,
    });
    await store.save('t1', context, target('t1'));

    await push.send(status('t1', TaskState.TASK_STATE_WORKING), context);
    await expect(store.save('t2', context, target('t2'))).rejects.toThrow(/its limit/);

    await push.send(status('t1', TaskState.TASK_STATE_COMPLETED), context);
    expect(receiver.received.map((delivery) => delivery.path)).toEqual(['/t1', '/t1']);
    await store.save('t2', context, target('t2'));
    expect(await store.load('t1', context)).toEqual([]);
    expect((await store.load('t2', context)).map((stored) => stored.url)).toEqual([`${receiver.url}/t2`]);
    sender.close();
  });
});
