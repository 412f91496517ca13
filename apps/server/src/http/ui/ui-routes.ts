import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Hono } from 'hono';

import { KubentlyError } from '../../errors/kubently-error.js';
import type { AppEnv } from '../app-env.js';

/**
 * Where the dashboard's build lands (apps/dashboard builds into the server's `dist/ui`): the same
 * directory whether this file runs from `src/http/ui` (tests) or `dist/http/ui` (the built server).
 */
export const defaultUiRoot = fileURLToPath(new URL('../../../dist/ui/', import.meta.url));

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The page may load only its own files and talk only to this server: no inline script, no other
 * origin, never framed (a page that frames the dashboard could trick a signed-in user into clicks).
 */
const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

const notBuilt = (): KubentlyError =>
  new KubentlyError(
    'not_found',
    'the dashboard is not built into this server; run `npm run build` (it builds apps/dashboard into apps/server/dist/ui)',
  );

const readOrNull = async (path: string): Promise<Buffer | null> => {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
    throw error;
  }
};

/**
 * `GET /ui/*`: the dashboard's static build. Hashed files under `assets/` are cached for good; any
 * other path without a file extension is the single-page app's own route and gets `index.html`.
 * Paths never leave `root`. The dashboard is a client of the public API: it has no endpoint of its own.
 */
/** A path with a malformed %-escape names no file (404, not a 500 from URIError). */
const decodedOrNull = (encoded: string): string | null => {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
};

export const registerUiRoutes = (app: Hono<AppEnv>, root: string = defaultUiRoot): void => {
  const base = resolve(root);
  app.get('/ui', (c) => c.redirect('/ui/', 308));
  app.get('/ui/*', async (c) => {
    const relative = decodedOrNull(c.req.path.slice('/ui/'.length));
    if (relative === null) throw new KubentlyError('not_found', `no dashboard file ${c.req.path}`);
    const wanted = resolve(base, relative === '' ? 'index.html' : relative);
    if (wanted !== base && !wanted.startsWith(base + sep)) {
      throw new KubentlyError('not_found', `no dashboard file ${c.req.path}`);
    }
    const isAppRoute = extname(wanted) === '';
    const file = isAppRoute ? resolve(base, 'index.html') : wanted;
    const body = await readOrNull(file);
    if (body === null) {
      if (isAppRoute || relative === '') throw notBuilt();
      throw new KubentlyError('not_found', `no dashboard file ${c.req.path}`);
    }
    const isHashedAsset = relative.startsWith('assets/');
    return c.body(new Uint8Array(body), 200, {
      ...securityHeaders,
      'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'cache-control': isHashedAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  });
};
