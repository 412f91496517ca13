import { randomBytes } from 'node:crypto';

import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createConfig, start } from '@kubently/server';
import type { RunningServer } from '@kubently/server';

import {
  filterDeniedAndExport,
  launchChromium,
  openPage,
  screenshot,
  sendAndCancelTurn,
  signedInPage,
} from '../e2e/dashboard-browser.js';
import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import { Api } from './support/kubently.js';
import { executorMain, spawnNode, stopAll } from './support/processes.js';
import { answer, hangUntilCancelled, scriptedModel, toolCall } from './support/scripted-stream-model.js';

/**
 * The dashboard in Debian's Chromium against a real server and the built executor running the
 * kubectl test double (no cluster needed): the console, the live feed, a denial, the chat with a
 * scripted model and its cancel, the audit log. The testbed e2e test covers the same pages against
 * a real cluster (and the diagnosis); both write their screenshots to docs/ui/.
 */
const clusterId = 'demo';
const keys = {
  admin: `admin-${randomBytes(16).toString('hex')}`,
  operator: `operator-${randomBytes(16).toString('hex')}`,
};

describe('the web dashboard in Chromium (kubectl test double)', { timeout: 120_000 }, () => {
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
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/tmp',
      KUBENTLY_API_URL: server.url,
      CLUSTER_ID: clusterId,
      KUBENTLY_TOKEN: token,
      KUBENTLY_KUBECTL: createFakeKubectl().path,
      LOG_LEVEL: 'info',
    });
    await api.waitForExecutors(clusterId);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser.close();
    await stopAll();
    await server.close();
  });

  it('refuses a wrong key, then signs in and shows the connected cluster', async () => {
    const signIn = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    await signIn.goto(`${server.url}/ui/`);
    await signIn.getByLabel('API key or OIDC token').fill('not-a-key-at-all-0000');
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    expect(await signIn.getByRole('alert').textContent()).toContain('unauthorized');
    await signIn.getByLabel('API key or OIDC token').fill('');
    await screenshot(signIn, 'sign-in');
    await signIn.close();
    page = await signedInPage(browser, server.url, keys.admin);
    await page.locator(`tr[data-cluster="${clusterId}"]`).getByText('connected', { exact: true }).waitFor();
    await screenshot(page, 'clusters');
    const narrow = await signedInPage(browser, server.url, keys.admin, 390);
    await narrow.locator(`tr[data-cluster="${clusterId}"]`).waitFor();
    await screenshot(narrow, 'clusters-390px');
    await narrow.close();
  });

  it('shows the verdict before sending; the run and a denial appear in the live feed', async () => {
    await openPage(page, 'Live commands');
    await page.getByText('live', { exact: true }).waitFor();
    const operator = await signedInPage(browser, server.url, keys.operator);
    // An operator's navigation has no audit log (admins only).
    expect(await operator.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await openPage(operator, 'Console');
    await operator.getByLabel('kubectl').fill('get pods -A');
    await operator.locator('#console-verdict').getByText('allowed', { exact: true }).waitFor();
    await operator.getByRole('button', { name: 'Run' }).click();
    await operator.locator('.run-result[data-status="succeeded"]').waitFor({ timeout: 30_000 });
    expect(await operator.getByLabel('Output').textContent()).toContain('"argv":["get","pods","-A"]');
    await screenshot(operator, 'console');
    await operator.getByLabel('kubectl').fill('delete pod web-1');
    await operator.locator('#console-verdict').getByText('denied', { exact: true }).waitFor();
    await operator.getByRole('button', { name: 'Run' }).click();
    expect(await operator.getByRole('alert').textContent()).toContain('Denied by the policy');
    await screenshot(operator, 'console-denied');
    await operator.close();
    const ran = page.locator('tr', { hasText: 'kubectl get pods -A' }).filter({ hasText: 'oncall' });
    await ran.waitFor({ timeout: 15_000 });
    expect(await ran.textContent()).toContain('succeeded');
    await page.locator('tr.row-denied', { hasText: 'kubectl delete pod web-1' }).waitFor({ timeout: 15_000 });
    await screenshot(page, 'live-feed');
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await screenshot(page, 'live-feed-dark');
    await page.getByRole('button', { name: 'Light theme' }).click();
  });

  it('chats: a tool call live with outcome and duration, the answer, then a cancelled turn', async () => {
    scripted.script([toolCall('c1', ['get', 'pods', '-A']), answer('**Root cause:** nothing is wrong.')]);
    await openPage(page, 'Agent chat');
    await page.getByLabel('Question').fill('is anything failing?');
    await page.getByRole('button', { name: 'Send' }).click();
    const turn = page.locator('li.turn').last();
    await turn.locator('.turn-end.completed').waitFor({ timeout: 60_000 });
    const tool = turn.locator('li.tool').first();
    expect(await tool.textContent()).toContain('kubectl get pods -A');
    expect(await tool.locator('.badge').textContent()).toBe('ok');
    expect(await turn.locator('.answer').textContent()).toContain('Root cause');
    await screenshot(page, 'chat');
    scripted.script([hangUntilCancelled]);
    await sendAndCancelTurn(page, 'and every namespace, slowly?');
    expect(scripted.aborted.length).toBeGreaterThan(0);
    await screenshot(page, 'chat-cancelled');
  });

  it('filters the audit log by outcome and exports it as CSV', async () => {
    const { outcomes, fileName } = await filterDeniedAndExport(page);
    expect(outcomes.length).toBeGreaterThan(0);
    for (const outcome of outcomes) expect(outcome).toBe('denied');
    expect(fileName).toMatch(/^kubently-audit-.*\.csv$/);
    await screenshot(page, 'audit');
  });
});
