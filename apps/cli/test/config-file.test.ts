import { readdir, readFile, stat, writeFile, chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { configPaths, readCliConfig, resolveConnection, writeCliConfig } from '../src/config/index.js';
import { run } from '../src/run.js';
import { createTestIo, makeTempDir } from './support/test-io.js';

describe('the CLI config file', () => {
  it('is written with a 0700 directory and a 0600 file, leaving no temp file behind', async () => {
    const home = await makeTempDir();
    const io = createTestIo({ env: { HOME: home } });
    const code = await run(
      ['config', 'set-server', 'prod', '--url', 'https://k.example.test/', '--key', 'secret-key-123456'],
      io,
    );
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const dir = join(home, '.kubently');
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'config.json'))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['config.json']);
    const saved = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as unknown;
    expect(saved).toEqual({
      version: 1,
      currentServer: 'prod',
      servers: { prod: { url: 'https://k.example.test', apiKey: 'secret-key-123456' } },
    });
  });

  it('tightens an existing group-readable directory to 0700 and replaces the file atomically', async () => {
    const dir = join(await makeTempDir(), 'cfg');
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
    const paths = configPaths({ env: { KUBENTLY_CONFIG_DIR: dir }, cwd: '/' });
    await writeFile(paths.file, '{"version":1,"currentServer":null,"servers":{}}', { mode: 0o644 });
    const before = (await stat(paths.file)).ino;
    await writeCliConfig(paths, { version: 1, currentServer: null, servers: { a: { url: 'http://a:1' } } });
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const after = await stat(paths.file);
    // rename() put a new inode in place: readers see the old or the new file, never a partial one.
    expect(after.ino).not.toBe(before);
    expect(after.mode & 0o777).toBe(0o600);
    expect((await readCliConfig(paths.file)).servers['a']?.url).toBe('http://a:1');
  });

  it('keeps several named servers; `config use` switches and `config list` masks keys', async () => {
    const dir = await makeTempDir();
    const env = { KUBENTLY_CONFIG_DIR: dir };
    expect(
      await run(
        ['config', 'set-server', 'a', '--url', 'http://a.test:8080', '--key', 'aaaa-key-0123456789'],
        createTestIo({ env }),
      ),
    ).toBe(0);
    expect(
      await run(
        ['config', 'set-server', 'b', '--url', 'http://b.test:8080', '--key', 'bbbb-key-9876543210'],
        createTestIo({ env }),
      ),
    ).toBe(0);
    expect(await run(['config', 'use', 'a'], createTestIo({ env }))).toBe(0);
    const list = createTestIo({ env });
    expect(await run(['config', 'list'], list)).toBe(0);
    expect(list.out()).toMatch(/^\*\s+a\s+http:\/\/a\.test:8080\s+aaaa\*\*\*\*89$/m);
    expect(list.out()).toMatch(/^\s+b\s+http:\/\/b\.test:8080\s+bbbb\*\*\*\*10$/m);
    expect(list.out()).not.toContain('key-0123456789');
    const missing = createTestIo({ env });
    expect(await run(['config', 'use', 'nope'], missing)).toBe(2);
    expect(missing.err()).toContain('no server named "nope"');
  });

  it('reports an invalid config file as a usage error naming the file and the fix', async () => {
    const dir = await makeTempDir();
    await writeFile(join(dir, 'config.json'), '{"version":1,', 'utf8');
    const io = createTestIo({ env: { KUBENTLY_CONFIG_DIR: dir } });
    expect(await run(['clusters', 'list'], io)).toBe(2);
    expect(io.err()).toContain(join(dir, 'config.json'));
    expect(io.err()).toContain('not valid JSON');
  });

  it('fails clearly without HOME or KUBENTLY_CONFIG_DIR', async () => {
    const io = createTestIo({ env: {} });
    expect(await run(['config', 'list'], io)).toBe(2);
    expect(io.err()).toContain('set HOME, or KUBENTLY_CONFIG_DIR');
  });
});

describe('resolveConnection', () => {
  const config = {
    version: 1 as const,
    currentServer: 'cur',
    servers: {
      cur: { url: 'http://cur.test', apiKey: 'cur-key' },
      other: { url: 'http://other.test', apiKey: 'other-key' },
    },
  };

  it('uses the current server by default', () => {
    expect(resolveConnection({}, { env: {} }, config)).toMatchObject({
      url: 'http://cur.test',
      apiKey: 'cur-key',
    });
  });

  it('lets KUBENTLY_API_URL / KUBENTLY_API_KEY override the current server', () => {
    const env = { KUBENTLY_API_URL: 'http://env.test/', KUBENTLY_API_KEY: 'env-key' };
    expect(resolveConnection({}, { env }, config)).toMatchObject({
      url: 'http://env.test',
      apiKey: 'env-key',
    });
  });

  it('never sends a saved key to another URL', () => {
    const env = { KUBENTLY_API_URL: 'http://env.test' };
    expect(resolveConnection({}, { env }, config).apiKey).toBeUndefined();
    expect(resolveConnection({ 'api-url': 'http://flag.test' }, { env: {} }, config).apiKey).toBeUndefined();
  });

  it('lets --server and flags win over the environment', () => {
    const env = { KUBENTLY_API_URL: 'http://env.test', KUBENTLY_API_KEY: 'env-key' };
    expect(resolveConnection({ server: 'other' }, { env }, config)).toMatchObject({
      url: 'http://other.test',
      apiKey: 'other-key',
    });
    expect(
      resolveConnection({ 'api-url': 'http://f.test', 'api-key': 'f-key' }, { env }, config),
    ).toMatchObject({
      url: 'http://f.test',
      apiKey: 'f-key',
    });
  });

  it('falls back to the `kubently up` default and rejects unknown server names', () => {
    const empty = { version: 1 as const, currentServer: null, servers: {} };
    expect(resolveConnection({}, { env: {} }, empty)).toMatchObject({
      url: 'http://127.0.0.1:8080',
      apiKey: undefined,
    });
    expect(() => resolveConnection({ server: 'x' }, { env: {} }, empty)).toThrow(/no server named "x"/);
  });
});
