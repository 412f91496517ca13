import { parseNotifyConfig, verifyWebhook } from '@kubently/notify';
import { issuedKeySchema } from '@kubently/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createConfig } from '../../src/config.js';
import { start } from '../../src/start.js';
import type { RunningServer } from '../../src/start.js';
import { startReceiver } from './local-receiver.js';
import type { LocalReceiver } from './local-receiver.js';
import { jsonOf, kubentlyWebhookSchema } from './wire-formats.js';

const operatorKey = 'operator-key-0123456789abcdef';
const viewerKey = 'viewer-key-0123456789abcdef';
const adminKey = 'admin-key-0123456789abcdef0123';
let devOnlyKey = '';
const secret = 'alertmanager-test-secret';

let hook: LocalReceiver;
let server: RunningServer;

const payload = (status: 'firing' | 'resolved') => ({
  version: '4',
  groupKey: '{}:{alertname="KubePodCrashLooping"}',
  status,
  receiver: 'kubently',
  groupLabels: { alertname: 'KubePodCrashLooping' },
  commonLabels: {},
  commonAnnotations: {},
  externalURL: 'http://alertmanager.example',
  alerts: [
    {
      status,
      labels: {
        alertname: 'KubePodCrashLooping',
        cluster: 'prod',
        namespace: 'shop',
        deployment: 'api',
        severity: 'critical',
      },
      annotations: { description: 'Pod shop/api is crash looping' },
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: status === 'resolved' ? '2026-01-01T00:05:00Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example/graph',
      fingerprint: 'a1b2c3d4e5f60718',
    },
  ],
});

const post = (body: unknown, authorization: string | undefined) =>
  fetch(`${server.url}/v1/webhooks/alertmanager`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  hook = await startReceiver();
  server = await start(
    createConfig({
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      executorGraceMs: 200,
      apiKeys: [
        { identity: 'alertmanager', key: operatorKey, role: 'operator' },
        { identity: 'victor', key: viewerKey, role: 'viewer' },
        { identity: 'root', key: adminKey, role: 'admin' },
      ],
      notify: parseNotifyConfig(
        `sinks: [{name: ops, type: webhook, url: "${hook.url}/am", secret: "${secret}"}]\nroutes: [{sinks: [ops], sources: [alertmanager]}]\n`,
        { source: 'test.yaml', env: {} },
      ),
    }),
  );
});

afterAll(async () => {
  await server.close();
  await hook.close();
});

describe('POST /v1/webhooks/alertmanager', () => {
  it('refuses without a key (401) and with a viewer key (403), and a payload that is not version 4 (400)', async () => {
    expect((await post(payload('firing'), undefined)).status).toBe(401);
    expect((await post(payload('firing'), `Bearer ${viewerKey}`)).status).toBe(403);
    const wrong = await post({ ...payload('firing'), version: '3' }, `Bearer ${operatorKey}`);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('version must be \\"4\\"');
    expect(hook.received).toHaveLength(0);
  });

  it('accepts basic auth, diagnoses (here: the cluster is unknown, said in the notice) and posts trigger then resolve for the alert', async () => {
    const basic = `Basic ${Buffer.from(`alertmanager:${operatorKey}`).toString('base64')}`;
    const accepted = await post(payload('firing'), basic);
    expect(accepted.status).toBe(202);
    const first = await hook.nth(0);
    expect(
      verifyWebhook({
        secret,
        body: first.body,
        timestamp: first.headers['x-kubently-timestamp'] as string | undefined,
        signature: first.headers['x-kubently-signature'] as string | undefined,
        now: Math.floor(Date.now() / 1000),
      }).ok,
    ).toBe(true);
    const trigger = jsonOf(kubentlyWebhookSchema, first.body);
    expect(trigger).toMatchObject({
      event: 'trigger',
      source: 'alertmanager',
      fingerprint: 'alertmanager-a1b2c3d4e5f60718',
      threadKey: 'alertmanager-a1b2c3d4e5f60718',
      clusterId: 'prod',
      namespace: 'shop',
      severity: 'critical',
      rule: 'alertmanager:KubePodCrashLooping',
      resource: { name: 'api' },
      summary: 'KubePodCrashLooping: Pod shop/api is crash looping',
    });
    expect(trigger.rootCause).toMatch(/^No diagnosis: .*prod/);
    expect((await post(payload('resolved'), `Bearer ${operatorKey}`)).status).toBe(202);
    const resolve = jsonOf(kubentlyWebhookSchema, (await hook.nth(1)).body);
    expect(resolve).toMatchObject({
      event: 'resolve',
      fingerprint: trigger.fingerprint,
      resolvedAt: '2026-01-01T00:05:00Z',
    });
  });

  it("refuses alerts for clusters outside the key's scope: a dev key can neither page nor resolve prod", async () => {
    const issued = await fetch(`${server.url}/v1/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ identity: 'dev-alerts', role: 'operator', clusters: ['dev'] }),
    });
    expect(issued.status).toBe(201);
    devOnlyKey = issuedKeySchema.parse(await issued.json()).key;
    const before = hook.received.length;
    const forProd = await post(payload('resolved'), `Bearer ${devOnlyKey}`);
    expect(forProd.status).toBe(202);
    expect(await forProd.json()).toMatchObject({ accepted: 0, rejected: 1 });
    const bad = payload('firing');
    const badLabel = {
      ...bad,
      alerts: bad.alerts.map((alert) => ({ ...alert, labels: { ...alert.labels, cluster: 'Prod!' } })),
    };
    expect(await (await post(badLabel, `Bearer ${operatorKey}`)).json()).toMatchObject({
      accepted: 0,
      rejected: 1,
    });

    const forDev = payload('resolved');
    const devAlert = {
      ...forDev,
      alerts: forDev.alerts.map((alert) => ({ ...alert, labels: { ...alert.labels, cluster: 'dev' } })),
    };
    expect(await (await post(devAlert, `Bearer ${devOnlyKey}`)).json()).toMatchObject({
      accepted: 1,
      rejected: 0,
    });
    const next = jsonOf(kubentlyWebhookSchema, (await hook.nth(before)).body);
    expect(next.clusterId).toBe('dev');
    expect(hook.received).toHaveLength(before + 1);
  });
});
