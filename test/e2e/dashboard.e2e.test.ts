import { randomBytes } from 'node:crypto';

import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { commandResponseSchema } from '@kubently/protocol';
import { createConfig, start } from '@kubently/server';
import type { RunningServer } from '@kubently/server';

import { Api } from '../integration/support/kubently.js';
import {
  answer,
  hangUntilCancelled,
  scriptedModel,
  toolCall,
} from '../integration/support/scripted-stream-model.js';
import { executorMain, spawnNode, stopAll } from '../integration/support/processes.js';
import {
  filterDeniedAndExport,
  launchChromium,
  openPage,
  screenshot,
  sendAndCancelTurn,
  signedInPage,
} from './dashboard-browser.js';
import './testbed-context.js';

/**
 * The dashboard in Debian's Chromium against a real server (in-process, scripted model) and the
 * built executor on the testbed: sign in, see the cluster, run a command and see it in the live
 * feed, see a denial, open a diagnosis and expand a cause, chat and cancel. Every page is
 * screenshotted into docs/ui/ (the README shows them).
 */
const testbed = inject('testbed');
const clusterId = 'testbed';
const namespace = 'crashloop-missing-env';
const keys = {
  admin: `admin-${randomBytes(16).toString('hex')}`,
  operator: `operator-${randomBytes(16).toString('hex')}`,
};

describe('the web dashboard in Chromium against the testbed', () => {
  const scripted = scriptedModel();
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = await start(
      createConfig({
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
        apiKeys: [
          { identity: 'oncall', key: keys.operator, role: 'operator' },
          { identity: 'root', key: keys.admin, role: 'admin' },
        ],
      }),
      { logger: pino({ level: 'silent' }), model: scripted.model },
    );
    const api = new Api(server.url, keys.admin);
    const token = await api.addCluster(clusterId);
    spawnNode(executorMain, {
      PATH: `${testbed.binDir}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
      HOME: process.env['HOME'] ?? '/tmp',
      KUBENTLY_API_URL: server.url,
      CLUSTER_ID: clusterId,
      KUBENTLY_TOKEN: token,
      KUBENTLY_KUBECTL: testbed.kubectl,
      KUBECONFIG: testbed.kubeconfig,
      LOG_LEVEL: 'info',
    });
    await api.waitForExecutors(clusterId);
    // The scenario's pod needs a while after it is applied before it shows CrashLoopBackOff.
    const deadline = Math.max(Date.now() + 30_000, testbed.scenariosAppliedAt + 180_000);
    for (;;) {
      const answer = await api.post('/v1/commands', {
        clusterId,
        args: ['get', 'pods', '-n', namespace],
        timeoutSeconds: 30,
      });
      const stdout = commandResponseSchema.safeParse(answer.body).data?.stdout ?? '';
      if (stdout.includes('CrashLoopBackOff') || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
    await stopAll();
    await server.close();
  });

  it('signs in with an API key and shows the connected cluster with its executor and versions', async () => {
    const signIn = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    await signIn.goto(`${server.url}/ui/`);
    await signIn.getByLabel('API key or OIDC token').fill('not-a-key-at-all-0000');
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    expect(await signIn.getByRole('alert').textContent()).toContain('unauthorized');
    await signIn.getByLabel('API key or OIDC token').fill('');
    await screenshot(signIn, 'sign-in');
    await signIn.close();

    page = await signedInPage(browser, server.url, keys.admin);
    const row = page.locator('tr[data-cluster="testbed"]');
    await row.getByText('connected', { exact: true }).waitFor();
    await row.getByText('reachable', { exact: true }).waitFor({ timeout: 30_000 });
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('readOnly');
    expect(text).toMatch(/Kubernetes v?1\.\d+/);
    await screenshot(page, 'clusters');

    const narrow = await signedInPage(browser, server.url, keys.admin, 390);
    await narrow.locator('tr[data-cluster="testbed"]').getByText('connected', { exact: true }).waitFor();
    await screenshot(narrow, 'clusters-390px');
    await narrow.close();
  });

  it("shows the policy's verdict before sending, runs the command and the live feed shows it; a denial is highlighted", async () => {
    await openPage(page, 'Live commands');
    await page.getByText('live', { exact: true }).waitFor();
    const operator = await signedInPage(browser, server.url, keys.operator);
    await openPage(operator, 'Console');
    await operator.getByLabel('kubectl').fill(`get pods -n ${namespace}`);
    await operator.locator('#console-verdict').getByText('allowed', { exact: true }).waitFor();
    expect(await operator.locator('#console-verdict').textContent()).toContain(
      `kubectl get pods -n ${namespace}`,
    );
    await operator.getByRole('button', { name: 'Run' }).click();
    await operator.locator('.run-result').waitFor({ timeout: 30_000 });
    expect(await operator.getByLabel('Output').textContent()).toMatch(/NAME\s+READY\s+STATUS/);
    await screenshot(operator, 'console');

    // The operator's run (the setup's own polling ran the same command as the admin).
    const feedRow = page
      .locator('tr', { hasText: `kubectl get pods -n ${namespace}` })
      .filter({ hasText: 'oncall' });
    await feedRow.waitFor({ timeout: 15_000 });
    expect(await feedRow.textContent()).toContain('oncall');
    expect(await feedRow.textContent()).toContain('succeeded');

    await operator.getByLabel('kubectl').fill('delete pod web-1');
    await operator.locator('#console-verdict').getByText('denied', { exact: true }).waitFor();
    await operator.getByRole('button', { name: 'Run' }).click();
    expect(await operator.getByRole('alert').textContent()).toContain('Denied by the policy');
    await screenshot(operator, 'console-denied');
    await operator.close();

    const denied = page.locator('tr.row-denied', { hasText: 'kubectl delete pod web-1' });
    await denied.waitFor({ timeout: 15_000 });
    expect(await denied.textContent()).toContain('denied');
    await screenshot(page, 'live-feed');
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await screenshot(page, 'live-feed-dark');
    await page.getByRole('button', { name: 'Light theme' }).click();
  });

  it('diagnoses a namespace and expands a root cause to its evidence and the kubectl command that proves it', async () => {
    await openPage(page, 'Diagnosis');
    await page.getByLabel('Namespaces').fill(namespace);
    await page.getByRole('button', { name: 'Diagnose' }).click();
    const cause = page.locator('details.finding').first();
    await cause.waitFor({ timeout: 90_000 });
    await cause.locator(':scope > summary').click();
    const proof = cause.locator('.proof').first();
    await proof.waitFor();
    expect(await proof.textContent()).toMatch(/^kubectl /);
    expect(await cause.textContent()).toContain(namespace);
    await screenshot(page, 'diagnosis');
  }, 150_000);

  it('chats with the agent over A2A: tool calls live with outcome and duration, then cancels a running turn', async () => {
    scripted.script([
      toolCall('c1', ['get', 'pods', '-n', namespace]),
      answer('**Root cause:** the pod is crash-looping.'),
    ]);
    await openPage(page, 'Agent chat');
    await page.getByLabel('Question').fill(`why is ${namespace} failing?`);
    await page.getByRole('button', { name: 'Send' }).click();
    const turn = page.locator('li.turn').last();
    await turn.locator('.turn-end.completed').waitFor({ timeout: 60_000 });
    const tool = turn.locator('li.tool').first();
    expect(await tool.textContent()).toContain(`kubectl get pods -n ${namespace}`);
    expect(await tool.locator('.badge').textContent()).toBe('ok');
    expect(await tool.textContent()).toMatch(/\d+ ms|\d+\.\d s/);
    expect(await turn.locator('.answer').textContent()).toContain('Root cause');
    await screenshot(page, 'chat');

    scripted.script([hangUntilCancelled]);
    await sendAndCancelTurn(page, 'and every other namespace?');
    expect(scripted.aborted.length).toBeGreaterThan(0);
    await screenshot(page, 'chat-cancelled');
  });

  it('lists the audit log with filters and exports it', async () => {
    const { outcomes, fileName } = await filterDeniedAndExport(page);
    expect(outcomes.length).toBeGreaterThan(0);
    for (const outcome of outcomes) expect(outcome).toBe('denied');
    expect(fileName).toMatch(/^kubently-audit-.*\.csv$/);
    await screenshot(page, 'audit');
  });
});
