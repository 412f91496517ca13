import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { apiConnectionFromKubeconfig } from '../src/reader/api-connection.js';
import { apiUrl, readPath } from '../src/reader/api-reader.js';
import { ReadPages } from '../src/reader/read-pages.js';

const listSchema = z.object({
  kind: z.string(),
  metadata: z.object({ continue: z.string().optional(), resourceVersion: z.string() }),
  items: z.array(z.record(z.string(), z.unknown())),
});
const secretSchema = z.object({
  kind: z.literal('Secret'),
  apiVersion: z.literal('v1'),
  data: z.record(z.string(), z.string()),
  metadata: z.object({ name: z.string(), annotations: z.record(z.string(), z.string()).optional() }),
});

const secretPage = (next?: string): string =>
  JSON.stringify({
    kind: 'SecretList',
    apiVersion: 'v1',
    metadata: { resourceVersion: '42', ...(next === undefined ? {} : { continue: next }) },
    items: [
      {
        metadata: {
          name: 'db',
          annotations: {
            'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
              apiVersion: 'v1',
              kind: 'Secret',
              data: { password: 'aHVudGVyMg==' },
            }),
          },
        },
        type: 'Opaque',
        data: { password: 'aHVudGVyMg==', user: 'YWRtaW4=' },
      },
    ],
  });

describe('ReadPages', () => {
  it('joins pages into one List, adds kind and apiVersion, and reduces Secrets to keys and lengths', () => {
    const pages = new ReadPages({ group: '', version: 'v1', resource: 'secrets' }, 1024 * 1024);
    expect(pages.add(secretPage('next-token'))).toEqual({ type: 'added', continue: 'next-token' });
    expect(pages.add(secretPage())).toEqual({ type: 'added', continue: undefined });
    const done = pages.finish(undefined);
    expect(done).toMatchObject({ items: 2, pages: 2, redactions: 6, continue: undefined });
    expect(done.stdout).not.toContain('aHVudGVyMg');
    expect(done.stdout).not.toContain('YWRtaW4');
    const list = listSchema.parse(JSON.parse(done.stdout));
    expect(list.kind).toBe('List');
    const secret = secretSchema.parse(list.items[0]);
    expect(secret.data).toEqual({ password: '<redacted: 7 bytes>', user: '<redacted: 5 bytes>' });
    expect(secret.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain(
      '<redacted: 7 bytes>',
    );
  });

  it('refuses a page that would pass the cap, keeping what it had, and says where to continue', () => {
    const one = Buffer.byteLength(secretPage());
    const pages = new ReadPages({ group: '', version: 'v1', resource: 'secrets' }, 10 * 1024 + one + 100);
    expect(pages.add(secretPage('t2')).type).toBe('added');
    expect(pages.add(secretPage('t3'))).toEqual({ type: 'overflow' });
    const done = pages.finish('t2');
    expect(done.items).toBe(1);
    expect(listSchema.parse(JSON.parse(done.stdout)).metadata.continue).toBe('t2');
  });

  it('says what is wrong with an answer that is not a List', () => {
    const pages = new ReadPages({ group: '', version: 'v1', resource: 'pods' }, 1024 * 1024);
    expect(pages.add('<html>')).toMatchObject({ type: 'invalid' });
    expect(pages.add('{"items":"no"}')).toMatchObject({ type: 'invalid' });
  });

  it('keeps a Table page as rows and column definitions', () => {
    const pages = new ReadPages({ group: '', version: 'v1', resource: 'pods', as: 'table' }, 1024 * 1024);
    pages.add(
      JSON.stringify({
        kind: 'Table',
        apiVersion: 'meta.k8s.io/v1',
        metadata: { resourceVersion: '7' },
        columnDefinitions: [{ name: 'Name', type: 'string' }],
        rows: [{ cells: ['web-1'] }],
      }),
    );
    const table = z
      .object({
        kind: z.literal('Table'),
        columnDefinitions: z.array(z.unknown()),
        rows: z.array(z.unknown()),
      })
      .parse(JSON.parse(pages.finish(undefined).stdout));
    expect(table.rows).toEqual([{ cells: ['web-1'] }]);
    expect(table.columnDefinitions).toHaveLength(1);
  });
});

describe('readPath', () => {
  it('builds the API path of a core, grouped, namespaced and table read', () => {
    expect(readPath({ group: '', version: 'v1', resource: 'pods' }, 500, undefined)).toBe(
      '/api/v1/pods?limit=500',
    );
    expect(
      readPath({ group: 'apps', version: 'v1', resource: 'deployments', namespace: 'shop' }, 10, 'a b'),
    ).toBe('/apis/apps/v1/namespaces/shop/deployments?limit=10&continue=a+b');
    expect(readPath({ group: '', version: 'v1', resource: 'pods', as: 'table' }, 5, undefined)).toBe(
      '/api/v1/pods?limit=5&includeObject=None',
    );
  });
});

describe('apiUrl', () => {
  it('keeps the path prefix of a proxied API server and the query of the request', () => {
    expect(
      apiUrl('https://rancher.example/k8s/clusters/c-x', '/api/v1/namespaces/a/pods?limit=500').toString(),
    ).toBe('https://rancher.example/k8s/clusters/c-x/api/v1/namespaces/a/pods?limit=500');
    expect(apiUrl('https://10.0.0.1:6443/', '/apis/apps/v1/deployments').toString()).toBe(
      'https://10.0.0.1:6443/apis/apps/v1/deployments',
    );
  });
});

describe('apiConnectionFromKubeconfig', () => {
  const kubeconfig = (user: Record<string, unknown>, cluster: Record<string, unknown> = {}): string =>
    JSON.stringify({
      clusters: [
        {
          name: 'c',
          cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': 'Q0E=', ...cluster },
        },
      ],
      users: [{ name: 'u', user }],
    });

  it('takes the server, CA and token kubectl would use', async () => {
    const result = await apiConnectionFromKubeconfig(kubeconfig({ token: 'abc' }), '/');
    expect(result.type).toBe('connection');
    if (result.type !== 'connection') return;
    expect(result.connection.server.href).toBe('https://127.0.0.1:6443/');
    expect(result.connection.ca?.toString()).toBe('CA');
    expect(result.connection.token).toBe('abc');
  });

  it.each([
    [{ exec: { command: 'aws' } }, {}, 'credential plugin'],
    [{ 'auth-provider': { name: 'oidc' } }, {}, 'credential plugin'],
    [{ username: 'a', password: 'b' }, {}, 'basic auth'],
    [{ token: 'x' }, { 'proxy-url': 'http://proxy:3128' }, 'proxy-url'],
  ])('leaves %j %j to kubectl (%s)', async (user, cluster, reason) => {
    const result = await apiConnectionFromKubeconfig(kubeconfig(user, cluster), '/');
    expect(result).toMatchObject({ type: 'unsupported' });
    if (result.type === 'unsupported') expect(result.reason).toContain(reason);
  });
});
