import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import './testbed-context.js';

/**
 * The README's commands run exactly as written (issue #13 item 1), in a shell in the checkout, with
 * the testbed as the current kubeconfig context (its kubectl first on PATH) and a fresh HOME. The
 * code blocks are read from README.md, so editing them changes what runs here.
 */
const testbed = inject('testbed');
const root = fileURLToPath(new URL('../../', import.meta.url));

/** The ```sh blocks of the README section `## heading`. */
const shellBlocks = async (heading: string): Promise<string[]> => {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start === -1) throw new Error(`README has no section "${heading}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
};

interface Shell {
  readonly exited: Promise<number | null>;
  output(): string;
  /** Resolves once the output so far satisfies `accept`; rejects if the shell exits first. */
  waitFor(accept: (output: string) => boolean): Promise<string>;
  /** Ends the shell's whole process group (it and everything it started). */
  stop(): Promise<void>;
}

/** `bash -e` on `script` in its own process group, so whatever it leaves running can be stopped. */
const startShell = (script: string, env: Record<string, string>): Shell => {
  const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    for (const listener of [...listeners]) listener();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let closed = false;
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      closed = true;
      for (const listener of [...listeners]) listener();
      resolve(code);
    }),
  );
  return {
    exited,
    output: () => output,
    waitFor: (accept) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (accept(output)) {
            listeners.delete(check);
            resolve(output);
          } else if (closed) {
            listeners.delete(check);
            reject(new Error(`the shell exited first:\n${output}`));
          }
        };
        listeners.add(check);
        check();
      }),
    stop: async () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await exited;
    },
  };
};

const portIsFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => {
      resolve(true);
    });
  });

describe('README commands, exactly as written', { timeout: 600_000 }, () => {
  let home: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'kubently-readme-'));
    env = {
      PATH: `${testbed.binDir}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
      HOME: home,
      KUBECONFIG: testbed.kubeconfig,
    };
    // The README's commands use the documented port; another process on it would answer instead.
    expect(await portIsFree(8080), 'something else listens on 127.0.0.1:8080').toBe(true);
  });

  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('Running the pieces separately: serve, clusters add, executor, exec, policy check', async () => {
    const [block] = await shellBlocks('Running the pieces separately');
    if (block === undefined) throw new Error('no sh block');
    const shell = startShell(block, env);
    try {
      const code = await shell.exited;
      const output = shell.output();
      expect(code, output).toBe(0);
      // `exec` relayed kubectl through the executor to the testbed, whose kube-system has no pods.
      expect(output).toContain('No resources found in kube-system namespace.');
      expect(output).toContain('"needsRedaction": true');
    } finally {
      await shell.stop();
    }
    expect(await portIsFree(8080), 'the block stops the server it started').toBe(true);
  });

  it("Running the pieces separately: the install block, with npm's global prefix in a temporary directory", async () => {
    const [, install] = await shellBlocks('Running the pieces separately');
    if (install === undefined) throw new Error('no install block');
    const prefix = join(home, 'global');
    // npm_config_prefix is npm's own setting for where `install -g` goes; PATH has its bin first.
    // The user's npm cache is kept (the fresh HOME would otherwise fetch every package again).
    const shell = startShell(install, {
      npm_config_cache: join(homedir(), '.npm'),
      ...env,
      npm_config_prefix: prefix,
      PATH: `${join(prefix, 'bin')}:${env['PATH'] ?? ''}`,
    });
    try {
      expect(await shell.exited, shell.output()).toBe(0);
      expect(shell.output()).toMatch(/^kubently \d+\.\d+\.\d+$/m);
    } finally {
      await shell.stop();
      await rm(join(tmpdir(), 'kubently-0.1.0.tgz'), { force: true });
    }
  });

  it('Quick start: npm start, then the commands its banner prints (as the README shows them)', async () => {
    const [first, example] = await shellBlocks('Quick start');
    // `npm ci` would reinstall node_modules under the running suite (.ci/run runs it on a fresh
    // clone) and `npm test` is the suite this test is part of: every other command runs.
    expect(first?.split('\n').map((line) => line.replace(/\s+#.*$/, ''))).toEqual([
      'npm ci && npm start',
      'npm test',
      '',
    ]);
    const up = startShell('npm start', env);
    try {
      const banner = await up.waitFor((output) => output.includes('"mcpServers"'));
      const key = /API key:\s+(\S+)/.exec(banner)?.[1] ?? '';
      const cluster = /Cluster:\s+(\S+)\s+\(kubeconfig context/.exec(banner)?.[1] ?? '';
      expect(banner).toContain('executor connected');
      const lines = banner.split('\n').map((line) => line.trim());
      // The README's example is what the banner prints, with the cluster and the key filled in.
      const expected = (example ?? '')
        .replaceAll('<cluster>', cluster)
        .replaceAll('<key>', key)
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '');
      for (const line of expected) expect(lines, banner).toContain(line);
      // The banner's commands, run as printed: `npx kubently` works here (the checkout).
      const exec = startShell(expected.join('\n'), env);
      expect(await exec.exited, exec.output()).toBe(0);
      expect(exec.output()).toContain('"status":"succeeded"');
      expect(exec.output()).toMatch(/^crashloop-missing-env\s+/m);
      // The MCP block launches node with the absolute script: it works from any directory.
      const snippet = lines.find((line) => line.startsWith('{"mcpServers"')) ?? '';
      const launch = (
        JSON.parse(snippet) as { mcpServers: { kubently: { command: string; args: string[] } } }
      ).mcpServers.kubently;
      expect(launch.command).toBe(process.execPath);
      expect(launch.args).toEqual([join(root, 'apps/cli/bin/kubently.js'), 'mcp']);
      const probe = startShell(`cd / && '${launch.command}' '${launch.args[0] ?? ''}' --version`, env);
      expect(await probe.exited, probe.output()).toBe(0);
      expect(probe.output()).toMatch(/^kubently \d+\.\d+\.\d+/);
    } finally {
      await up.stop();
    }
  });
});
