import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { mcpConfigSnippet, selfCommand } from '../src/self-command.js';
import { makeTempDir } from './support/test-io.js';

/** A checkout (bin script, node_modules/.bin link), a PATH directory and a directory elsewhere. */
let root: string;
let script: string;
const node = '/opt/node/bin/node';

beforeEach(async () => {
  root = await makeTempDir('kubently-self-');
  script = join(root, 'checkout', 'apps', 'cli', 'bin', 'kubently.js');
  await mkdir(join(root, 'checkout', 'apps', 'cli', 'bin'), { recursive: true });
  await writeFile(script, '#!/usr/bin/env node\n');
  await mkdir(join(root, 'checkout', 'node_modules', '.bin'), { recursive: true });
  await symlink('../../apps/cli/bin/kubently.js', join(root, 'checkout', 'node_modules', '.bin', 'kubently'));
  await mkdir(join(root, 'checkout', 'docs'));
  await mkdir(join(root, 'global-bin'));
  await mkdir(join(root, 'elsewhere'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('selfCommand: the invocation that works where it is printed', () => {
  it('is `kubently` when that name on PATH is this CLI', async () => {
    await symlink(script, join(root, 'global-bin', 'kubently'));
    const self = await selfCommand({
      env: { PATH: `/usr/bin:${join(root, 'global-bin')}` },
      cwd: join(root, 'elsewhere'),
      self: { node, script },
    });
    expect(self).toEqual({ shell: 'kubently', launch: { command: 'kubently', args: [] } });
  });

  it('is `npx kubently` inside the checkout (npm start from a subdirectory too), node + path for MCP', async () => {
    const fromRoot = await selfCommand({
      env: { PATH: '/usr/bin' },
      cwd: join(root, 'checkout'),
      self: { node, script },
    });
    expect(fromRoot).toEqual({ shell: 'npx kubently', launch: { command: node, args: [script] } });
    const npmStart = await selfCommand({
      env: { PATH: '/usr/bin', npm_command: 'start', INIT_CWD: join(root, 'checkout', 'docs') },
      cwd: join(root, 'checkout'),
      self: { node, script },
    });
    expect(npmStart.shell).toBe('npx kubently');
    // npm puts the checkout's node_modules/.bin on PATH for its scripts only.
    const npmPath = await selfCommand({
      env: { PATH: `${join(root, 'checkout', 'node_modules', '.bin')}:/usr/bin`, npm_command: 'start' },
      cwd: join(root, 'checkout'),
      self: { node, script },
    });
    expect(npmPath.shell).toBe('npx kubently');
    expect(mcpConfigSnippet(npmStart, ['mcp'])).toBe(
      JSON.stringify({ mcpServers: { kubently: { command: node, args: [script, 'mcp'] } } }),
    );
  });

  it('is the absolute path outside the checkout when not on PATH (npx would fetch another package)', async () => {
    const self = await selfCommand({
      env: { PATH: `/usr/bin:${join(root, 'global-bin')}` },
      cwd: join(root, 'elsewhere'),
      self: { node, script },
    });
    expect(self.shell).toBe(`${node} ${script}`);
  });
});
