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
