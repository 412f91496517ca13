import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

/** Debian's Chromium, driven by playwright-core (no browser download). `.ci/run` installs it. */
export const chromiumPath = '/usr/bin/chromium';

const flags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: chromiumPath, headless: true, args: flags });

/** docs/ui/: the screenshots the README shows, rewritten by every run of the dashboard e2e test. */
export const screenshotDirectory = fileURLToPath(new URL('../../docs/ui/', import.meta.url));

export const screenshot = async (page: Page, name: string): Promise<void> => {
  await mkdir(screenshotDirectory, { recursive: true });
  await page.screenshot({
    path: `${screenshotDirectory}${name}.png`,
    fullPage: false,
    animations: 'disabled',
  });
};

/** A fresh tab signed in with `key`, using only the keyboard (focus the field, type, Enter). */
export const signedInPage = async (
  browser: Browser,
  baseUrl: string,
  key: string,
  width = 1280,
): Promise<Page> => {
  const page = await browser.newPage({ viewport: { width, height: 800 }, colorScheme: 'light' });
  await page.goto(`${baseUrl}/ui/`);
  await page.getByLabel('API key or OIDC token').focus();
  await page.keyboard.type(key);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Clusters' }).waitFor();
  return page;
};

/** Goes to a page through the navigation, as a person would. */
export const openPage = async (page: Page, title: string): Promise<void> => {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: title }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
};

/**
 * Sends `question` in the agent chat, waits until the (scripted, hanging) turn is looking at every
 * namespace, presses Cancel and waits for the turn to end cancelled. The caller scripts the model
 * and checks that it saw the abort.
 */
export const sendAndCancelTurn = async (page: Page, question: string): Promise<void> => {
  await page.getByLabel('Question').fill(question);
  await page.getByRole('button', { name: 'Send' }).click();
  const turn = page.locator('li.turn').last();
  await turn.getByText('Looking at every namespace').waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await turn.locator('.turn-end.canceled').waitFor({ timeout: 30_000 });
};

/**
 * On the audit page: filters to denied commands (a `kubectl delete pod web-1` denial must exist),
 * returns the outcome of every row shown, then exports CSV and returns the file name offered.
 */
export const filterDeniedAndExport = async (
  page: Page,
): Promise<{ readonly outcomes: (string | null)[]; readonly fileName: string }> => {
  await openPage(page, 'Audit log');
  await page.locator('tr', { hasText: 'kubectl delete pod web-1' }).first().waitFor();
  await page.getByLabel('Outcome').selectOption('denied');
  const rows = page.locator('tbody tr');
  await rows.first().waitFor();
  const outcomes: (string | null)[] = [];
  const count = await rows.count();
  for (let index = 0; index < count; index += 1)
    outcomes.push(await rows.nth(index).getAttribute('data-outcome'));
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  await page.getByLabel('Outcome').selectOption('');
  return { outcomes, fileName: download.suggestedFilename() };
};
