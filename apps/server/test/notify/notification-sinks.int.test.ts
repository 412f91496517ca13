import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseNotifyConfig, verifyWebhook } from '@kubently/notify';
import type { Notification } from '@kubently/notify';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { createNotifyTransport, NotificationService } from '../../src/notify/index.js';
import { MemoryFindingHistory } from '../../src/state/memory/memory-finding-history.js';
import { makeCa, makeServerCertificate } from '../../../../test/integration/support/test-certificates.js';
import { captureLogger } from '../support/captured-logger.js';
import { createFakeClock } from '../support/fake-clock.js';
import { createFakeTimers } from '../support/fake-timers.js';
import { startReceiver } from './local-receiver.js';
import type { Answer, LocalReceiver } from './local-receiver.js';
import {
  jsonOf,
  kubentlyWebhookSchema,
  pagerDutyEventSchema,
  slackMessageSchema,
  teamsMessageSchema,
} from './wire-formats.js';

const trigger: Notification = {
  event: 'trigger',
  fingerprint: 'f00dfeed01234567',
  source: 'watch',
  severity: 'critical',
  clusterId: 'prod',
  namespace: 'shop',
  rule: 'missing-configmap',
  resource: { kind: 'Deployment', namespace: 'shop', name: 'api' },
  summary: 'api cannot start: ConfigMap api-config is missing',
  rootCause: 'ConfigMap shop/api-config does not exist',
  remediation: 'Create the ConfigMap or fix the reference',
  evidence: ['kubectl get configmap -n shop api-config'],
  firstSeenAt: '2026-01-01T00:00:00.000Z',
  lastSeenAt: '2026-01-01T00:00:00.000Z',
  resolvedAt: null,
  occurrences: 1,
};
const resolve: Notification = { ...trigger, event: 'resolve', resolvedAt: '2026-01-01T00:10:00.000Z' };

const receivers: LocalReceiver[] = [];
const receiver = async (answer?: Answer): Promise<LocalReceiver> => {
  const started = await startReceiver(answer);
  receivers.push(started);
  return started;
};
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((item) => item.close()));
});

const service = (yaml: string, env: Record<string, string> = {}) => {
  const clock = createFakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const timers = createFakeTimers(clock);
  const history = new MemoryFindingHistory();
  const logs = captureLogger('info');
  const notifications = new NotificationService({
    config: parseNotifyConfig(yaml, { source: 'test.yaml', env }),
    transport: createNotifyTransport(),
    history,
    clock,
    timers,
    logger: logs.logger,
    random: () => 0.5,
  });
  return { notifications, clock, timers, history, logs };
};

const routeAll = (sink: string) => `routes:\n  - {sinks: [${sink}]}\n`;

describe('notification sinks against local receivers speaking their wire format', () => {
  it('webhook: JSON body signed with X-Kubently-Timestamp/Signature that the documented check verifies', async () => {
    const hook = await receiver();
    const secret = 'whsec-0123456789abcdef';
    const { notifications, clock } = service(
      `sinks:\n  - {name: ops, type: webhook, url: "${hook.url}/hook/t0ken", secret: "\${SECRET}"}\n${routeAll('ops')}`,
      { SECRET: secret },
    );
    expect(await notifications.send(trigger)).toEqual([{ sink: 'ops', type: 'delivered', attempts: 1 }]);
    const request = await hook.nth(0);
    expect(request.path).toBe('/hook/t0ken');
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    const verification = verifyWebhook({
      secret,
      body: request.body,
      timestamp: request.headers['x-kubently-timestamp'] as string | undefined,
      signature: request.headers['x-kubently-signature'] as string | undefined,
      now: Math.floor(clock.now() / 1000),
    });
    expect(verification).toEqual({ ok: true, timestamp: Math.floor(clock.now() / 1000) });
    expect(jsonOf(kubentlyWebhookSchema, request.body)).toMatchObject({
      event: 'trigger',
      fingerprint: trigger.fingerprint,
      rootCause: trigger.rootCause,
    });
    expect(
      verifyWebhook({
        secret: 'another-secret-xxxxxx',
        body: request.body,
        timestamp: request.headers['x-kubently-timestamp'] as string,
        signature: request.headers['x-kubently-signature'] as string,
        now: Math.floor(clock.now() / 1000),
      }).ok,
    ).toBe(false);
  });

  it('Slack incoming webhook: a Block Kit message', async () => {
    const slack = await receiver();
    const { notifications } = service(
      `sinks:\n  - {name: chat, type: slack, webhookUrl: "${slack.url}/services/T/B/X"}\n${routeAll('chat')}`,
    );
    await notifications.send(trigger);
    const message = jsonOf(slackMessageSchema, (await slack.nth(0)).body);
    expect(message.text).toContain('[CRITICAL] prod: Deployment shop/api');
    expect(JSON.stringify(message.blocks)).toContain('ConfigMap shop/api-config does not exist');
  });

  it('Slack bot token: chat.postMessage with the token, the resolve threaded under the trigger', async () => {
    const slack = await receiver((_, index) => ({
      status: 200,
      body: JSON.stringify({ ok: true, ts: `1700000000.00000${index}` }),
    }));
    const { notifications } = service(
      `sinks:\n  - {name: chat, type: slack, botToken: xoxb-secret-token, channel: C0123, apiUrl: "${slack.url}/api"}\n${routeAll('chat')}`,
    );
    await notifications.send(trigger);
    await notifications.send(resolve);
    const [first, second] = [await slack.nth(0), await slack.nth(1)];
    expect(first.path).toBe('/api/chat.postMessage');
    expect(first.headers.authorization).toBe('Bearer xoxb-secret-token');
    expect(jsonOf(slackMessageSchema, first.body)).toMatchObject({ channel: 'C0123' });
    expect(jsonOf(slackMessageSchema, first.body).thread_ts).toBeUndefined();
    expect(jsonOf(slackMessageSchema, second.body)).toMatchObject({
      channel: 'C0123',
      thread_ts: '1700000000.000000',
    });
    expect(jsonOf(slackMessageSchema, second.body).text).toContain('[RESOLVED]');
  });

  it('Teams workflow webhook: a message envelope with an Adaptive Card', async () => {
    const teams = await receiver((_, __) => ({ status: 202 }));
    const { notifications } = service(
      `sinks:\n  - {name: team, type: teams, url: "${teams.url}/workflows/1?sig=s3cret"}\n${routeAll('team')}`,
    );
    expect(await notifications.send(trigger)).toEqual([{ sink: 'team', type: 'delivered', attempts: 1 }]);
    const card = jsonOf(teamsMessageSchema, (await teams.nth(0)).body).attachments[0]!.content;
    expect(card.body[0]).toMatchObject({
      type: 'TextBlock',
      text: expect.stringContaining('Deployment shop/api') as unknown,
    });
    expect(card.body[1]).toMatchObject({
      type: 'FactSet',
      facts: expect.arrayContaining([{ title: 'Fingerprint', value: trigger.fingerprint }]) as unknown,
    });
  });

  it('PagerDuty Events v2: trigger then resolve with dedup_key = fingerprint', async () => {
    const pager = await receiver(() => ({
      status: 202,
      body: '{"status":"success","message":"Event processed"}',
    }));
    const { notifications } = service(
      `sinks:\n  - {name: pager, type: pagerduty, routingKey: R0UTINGKEY, url: "${pager.url}/v2/enqueue"}\n${routeAll('pager')}`,
    );
    await notifications.send(trigger);
    await notifications.send(resolve);
    const triggered = jsonOf(pagerDutyEventSchema, (await pager.nth(0)).body);
    const resolved = jsonOf(pagerDutyEventSchema, (await pager.nth(1)).body);
    expect(triggered).toMatchObject({
      routing_key: 'R0UTINGKEY',
      event_action: 'trigger',
      dedup_key: trigger.fingerprint,
      payload: { severity: 'critical', source: 'prod' },
    });
    expect(resolved).toEqual({
      routing_key: 'R0UTINGKEY',
      event_action: 'resolve',
      dedup_key: trigger.fingerprint,
    });
  });

  it('routes by severity, cluster, namespace and rule; a sink named by two routes gets one copy', async () => {
    const hook = await receiver();
    const { notifications } = service(`sinks:
  - {name: ops, type: webhook, url: "${hook.url}/a", secret: "0123456789abcdef0"}
  - {name: team, type: teams, url: "${hook.url}/b"}
routes:
  - {sinks: [ops], minSeverity: critical, clusters: [prod]}
  - {sinks: [ops, team], namespaces: [payments], rules: [missing-configmap]}
`);
    expect(notifications.route(trigger)).toEqual(['ops']);
    expect(notifications.route({ ...trigger, severity: 'warning' })).toEqual([]);
    expect(notifications.route({ ...trigger, clusterId: 'stage' })).toEqual([]);
    expect(notifications.route({ ...trigger, namespace: 'payments' })).toEqual(['ops', 'team']);
    expect(
      notifications.route({ ...trigger, namespace: 'payments', rule: 'crash-loop', severity: 'info' }),
    ).toEqual([]);
  });

  it('retries 5xx with backoff on the injected timers, then delivers', async () => {
    const hook = await receiver((_, index) => (index < 2 ? { status: 503, body: 'busy' } : { status: 204 }));
    const { notifications, timers, logs } =
      service(`sinks:\n  - {name: ops, type: webhook, url: "${hook.url}/hook", secret: "0123456789abcdef0"}\n${routeAll('ops')}
delivery: {attempts: 4, initialBackoffMs: 1000, maxBackoffMs: 10000}`);
    const sent = notifications.send(trigger);
    await vi.waitFor(() => {
      expect(timers.pending()).toBe(1);
    });
    expect(hook.received).toHaveLength(1);
    timers.advance(750); // attempt 1 waits between 500 and 1000 ms; random 0.5 → 750
    await vi.waitFor(() => {
      expect(timers.pending()).toBe(1);
    });
    expect(hook.received).toHaveLength(2);
    timers.advance(1499);
    expect(hook.received).toHaveLength(2);
    timers.advance(1); // attempt 2: between 1000 and 2000 → 1500
    expect(await sent).toEqual([{ sink: 'ops', type: 'delivered', attempts: 3 }]);
    expect(
      logs.lines().filter((line) => line['msg'] === 'notification delivery failed; retrying'),
    ).toHaveLength(2);
  });

  it('dead-letters a 4xx at once and after the last retry, with sink secrets out of errors and logs', async () => {
    const hook = await receiver((request) =>
      request.path.startsWith('/gone')
        ? { status: 410, body: `no hook at ${request.path}` }
        : { status: 500, body: `boom at ${request.path}` },
    );
    const { notifications, timers, history, logs } = service(`sinks:
  - {name: gone, type: teams, url: "${hook.url}/gone/sig-t0ken-abc"}
  - {name: down, type: pagerduty, routingKey: PAGERKEY123, url: "${hook.url}/down/PAGERKEY123"}
routes: [{sinks: [gone, down]}]
delivery: {attempts: 2, initialBackoffMs: 100, maxBackoffMs: 100}`);
    const sent = notifications.send(trigger);
    await vi.waitFor(() => {
      expect(timers.pending()).toBe(1);
    });
    timers.advance(100);
    const outcomes = await sent;
    expect(outcomes.map((outcome) => [outcome.sink, outcome.type, outcome.attempts])).toEqual([
      ['gone', 'dead-lettered', 1],
      ['down', 'dead-lettered', 2],
    ]);
    const letters = await history.deadLetters(10);
    expect(letters.map((letter) => [letter.sink, letter.attempts, letter.fingerprint])).toEqual([
      ['down', 2, trigger.fingerprint],
      ['gone', 1, trigger.fingerprint],
    ]);
    const everything = JSON.stringify([letters, outcomes, logs.lines()]);
    expect(everything).toContain('HTTP 410');
    expect(everything).not.toContain('sig-t0ken-abc');
    expect(everything).not.toContain('PAGERKEY123');
  });
});

describe('e-mail over SMTP with STARTTLS (smtp-server in-process)', () => {
  let dir: string;
  let smtp: SMTPServer;
  let port: number;
  const mails: { raw: string; secure: boolean; user: unknown }[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubently-smtp-'));
    const ca = await makeCa(dir, 'ca');
    const certificate = await makeServerCertificate(dir, ca, 'smtp');
    smtp = new SMTPServer({
      key: await readFile(certificate.keyFile),
      cert: await readFile(certificate.certFile),
      // AUTH is refused until STARTTLS (allowInsecureAuth defaults to false): a delivered mail proves TLS.
      onAuth: (auth, _session, callback) => {
        if (auth.username === 'kubently' && auth.password === 'smtp-p4ss')
          callback(null, { user: auth.username });
        else callback(new Error('bad credentials'));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          mails.push({
            raw: Buffer.concat(chunks).toString('utf8'),
            secure: session.secure,
            user: session.user,
          });
          callback();
        });
      },
      logger: false,
    });
    await new Promise<void>((done) => smtp.listen(0, '127.0.0.1', done));
    port = (smtp.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((done) => {
      smtp.close(done);
    });
    await rm(dir, { recursive: true, force: true });
  });

  it('sends the trigger and the threaded resolve after STARTTLS with AUTH, verifying the certificate', async () => {
    const caFile = join(dir, 'ca.crt');
    const { notifications } = service(`sinks:
  - {name: mail, type: email, host: 127.0.0.1, port: ${port}, username: kubently, password: smtp-p4ss, from: kubently@example.org, to: [ops@example.org], caFile: "${caFile}"}
${routeAll('mail')}`);
    expect(await notifications.send(trigger)).toEqual([{ sink: 'mail', type: 'delivered', attempts: 1 }]);
    expect(await notifications.send(resolve)).toEqual([{ sink: 'mail', type: 'delivered', attempts: 1 }]);
    expect(mails.map((mail) => [mail.secure, mail.user])).toEqual([
      [true, 'kubently'],
      [true, 'kubently'],
    ]);
    expect(mails[0]!.raw).toMatch(/^Message-ID: <f00dfeed01234567@kubently>/im);
    expect(mails[0]!.raw).toContain('ConfigMap shop/api-config does not exist');
    expect(mails[0]!.raw).toMatch(/^To: ops@example.org/im);
    expect(mails[1]!.raw).toMatch(/^In-Reply-To: <f00dfeed01234567@kubently>/im);
  });

  it('refuses a server whose certificate it cannot verify (dead letter, no mail)', async () => {
    const before = mails.length;
    const { notifications, timers } = service(`sinks:
  - {name: mail, type: email, host: 127.0.0.1, port: ${port}, username: kubently, password: smtp-p4ss, from: kubently@example.org, to: [ops@example.org]}
${routeAll('mail')}
delivery: {attempts: 1}`);
    const [outcome] = await notifications.send(trigger);
    expect(outcome).toMatchObject({ type: 'dead-lettered' });
    expect(JSON.stringify(outcome)).not.toContain('smtp-p4ss');
    expect(mails.length).toBe(before);
    expect(timers.pending()).toBe(0);
  });
});
