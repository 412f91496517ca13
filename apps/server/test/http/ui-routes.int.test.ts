import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { errorBodySchema } from '@kubently/protocol';

import type { AppEnv } from '../../src/http/app-env.js';
import { errorResponse } from '../../src/http/error-body.js';
import { registerUiRoutes } from '../../src/http/ui/index.js';
import { createLogger } from '../../src/support/logger.js';

let root: string;

const appFor = (directory: string): Hono<AppEnv> => {
  const app = new Hono<AppEnv>();
  const logger = createLogger('silent');
  app.onError((error, c) => errorResponse(c, error, logger));
  registerUiRoutes(app, directory);
  return app;
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kubently-ui-'));
  await mkdir(join(root, 'ui', 'assets'), { recursive: true });
  await writeFile(join(root, 'ui', 'index.html'), '<!doctype html><title>Kubently</title>');
  await writeFile(join(root, 'ui', 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(root, 'secret.txt'), 'outside the ui directory');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('/ui (the dashboard build)', () => {
  it('serves index.html for the app and its routes, with a strict content security policy', async () => {
    const app = appFor(join(root, 'ui'));
    for (const path of ['/ui/', '/ui/feed', '/ui/console']) {
      const response = await app.request(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(await response.text()).toContain('<title>Kubently</title>');
    }
    const redirect = await app.request('/ui');
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/ui/');
  });

  it('serves hashed assets with a long cache and their content type', async () => {
    const response = await appFor(join(root, 'ui')).request('/ui/assets/index-abc.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toContain('immutable');
  });

  it('never serves a file outside its directory and answers a missing file 404', async () => {
    const app = appFor(join(root, 'ui'));
    for (const path of [
      '/ui/..%2Fsecret.txt',
      '/ui/%2e%2e/secret.txt',
      '/ui/assets/missing.js',
      '/ui/%E0%A4%A',
    ]) {
      const response = await app.request(path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('outside the ui directory');
    }
  });

  it('says how to build the dashboard when it is not built', async () => {
    const response = await appFor(join(root, 'absent')).request('/ui/');
    expect(response.status).toBe(404);
    expect(errorBodySchema.parse(await response.json()).error.message).toMatch(/npm run build/);
  });
});
