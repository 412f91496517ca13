import type { TaskPushNotificationConfig } from '@a2a-js/sdk';
import { ServerCallContext } from '@a2a-js/sdk/server';
import type { User } from '@a2a-js/sdk/server';
import { describe, expect, it } from 'vitest';

import { defaultCallbackConfig } from '../../../src/callbacks/callback-config.js';
import { CheckedPushNotificationStore } from '../../../src/http/a2a/signed-push-notifications.js';

const config = { ...defaultCallbackConfig, secret: 's'.repeat(32), allowedHosts: ['hooks.example.com'] };
const resolve = () => Promise.resolve([{ address: '93.184.215.14', family: 4 as const }]);
const callerContext = (userName: string): ServerCallContext => {
  const user: User = { isAuthenticated: true, userName };
  return new ServerCallContext({ user });
};
const push = (taskId: string, id: string): TaskPushNotificationConfig => ({
  tenant: '',
  id,
  taskId,
  url: `https://hooks.example.com/${taskId}/${id}`,
  token: '',
  authentication: undefined,
});

describe('CheckedPushNotificationStore limits', () => {
  it('refuses more than perTask configs on one task, naming the way out, but replaces by id', async () => {
    const store = new CheckedPushNotificationStore(config, resolve, { perTask: 2, total: 100 });
    const alice = callerContext('alice');
    await store.save('t1', alice, push('t1', 'a'));
    await store.save('t1', alice, push('t1', 'b'));
    await expect(store.save('t1', alice, push('t1', 'c'))).rejects.toThrow(
      /task t1 already has 2 push configs.*delete one.*reuse its id/,
    );
    await store.save('t1', alice, { ...push('t1', 'b'), url: 'https://hooks.example.com/replaced' });
    expect((await store.load('t1', alice)).map((stored) => stored.url)).toEqual([
      'https://hooks.example.com/t1/a',
      'https://hooks.example.com/replaced',
    ]);
    // Another caller's configs on its own task are counted apart.
    await store.save('t2', callerContext('bob'), push('t2', 'a'));
    expect(store.size).toBe(3);
  });

  it('drops the configs of ended tasks, oldest first, to make room; refuses when all tasks run', async () => {
    const store = new CheckedPushNotificationStore(config, resolve, { perTask: 5, total: 3 });
    const alice = callerContext('alice');
    await store.save('old', alice, push('old', 'a'));
    await store.save('old', alice, push('old', 'b'));
    await store.save('running', alice, push('running', 'a'));
    await expect(store.save('new', alice, push('new', 'a'))).rejects.toThrow(
      /holds 3 push configs of running tasks, its limit/,
    );
    store.taskEnded('old', alice);
    await store.save('new', alice, push('new', 'a'));
    expect(await store.load('old', alice)).toEqual([]);
    expect((await store.load('running', alice)).map((stored) => stored.id)).toEqual(['a']);
    expect(store.size).toBe(2);
  });

  it('counts deletions, so a caller that cleans up can add again', async () => {
    const store = new CheckedPushNotificationStore(config, resolve, { perTask: 5, total: 2 });
    const alice = callerContext('alice');
    await store.save('t1', alice, push('t1', 'a'));
    await store.save('t1', alice, push('t1', 'b'));
    await store.delete('t1', alice, 'a');
    expect(store.size).toBe(1);
    await store.save('t1', alice, push('t1', 'c'));
    expect(store.size).toBe(2);
  });

  it('checks the URL before counting it', async () => {
    const store = new CheckedPushNotificationStore(config, resolve, { perTask: 1, total: 1 });
    await expect(
      store.save('t1', callerContext('alice'), { ...push('t1', 'a'), url: 'http://169.254.169.254/' }),
    ).rejects.toThrow(/pushNotificationConfig\.url/);
    expect(store.size).toBe(0);
  });
});
