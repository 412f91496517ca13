import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

import { commands } from '../src/commands/index.js';
import { completionScript } from '../src/completion/completion-script.js';
import { didYouMean, editDistance } from '../src/did-you-mean.js';
import { run } from '../src/run.js';
import { createTestIo, makeTempDir } from './support/test-io.js';

const execFileAsync = promisify(execFile);

describe('did you mean', () => {
  it.each([
    ['diagnsoe', 'diagnose', 1],
    ['exce', 'exec', 1],
    ['cluster', 'clusters', 1],
    ['kitten', 'sitting', 3],
  ])('%s is %i edit(s) from %s', (typo, word, distance) => {
    expect(editDistance(typo, word)).toBe(distance);
  });

  it('suggests near commands, nearest first, and nothing for a far word', () => {
    expect(didYouMean('diagnsoe', ['debug', 'diagnose', 'exec'])).toEqual(['diagnose']);
    expect(didYouMean('ecex', ['exec', 'executor', 'up'])[0]).toBe('exec');
    expect(didYouMean('conf', ['config', 'clusters'])).toEqual(['config']);
    expect(didYouMean('zzzz', ['exec', 'up', 'diagnose'])).toEqual([]);
  });

  it('kubently names the command it thinks was meant, for commands and group verbs', async () => {
    const io = createTestIo();
    expect(await run(['diagnsoe', 'prod'], io)).toBe(2);
    expect(io.err()).toContain('unknown command "diagnsoe"\n  did you mean "kubently diagnose"?');
    const verb = createTestIo();
    expect(await run(['clusters', 'lsit'], verb)).toBe(2);
    expect(verb.err()).toContain('did you mean "kubently clusters list"?');
  });
});

describe('aliases', () => {
  it.each([
    [['clusters', 'ls', '--help'], 'Usage: kubently clusters list'],
    [['clusters', 'rm', '--help'], 'Usage: kubently clusters remove'],
    [['keys', 'ls', '--help'], 'Usage: kubently keys list'],
    [['keys', 'rm', '--help'], 'Usage: kubently keys revoke'],
    [['config', 'ls', '--help'], 'Usage: kubently config list'],
    [['config', 'rm', '--help'], 'Usage: kubently config delete'],
    [['cluster', 'list', '--help'], 'Usage: kubently clusters list'],
  ])('%j runs %s', async (argv, usage) => {
    const io = createTestIo();
    expect(await run(argv, io)).toBe(0);
    expect(io.out()).toMatch(new RegExp(`^${usage}`));
  });
});

describe('kubently completion', () => {
  /** Runs the bash script for real, the way bash calls it on Tab, and returns the candidates. */
  const complete = async (line: string[]): Promise<string[]> => {
    const dir = await makeTempDir();
    const script = join(dir, 'kubently.bash');
    await writeFile(script, completionScript('bash', commands));
    const words = line.map((word) => `'${word}'`).join(' ');
    const { stdout } = await execFileAsync('bash', [
      '-c',
      `source ${script}; COMP_WORDS=(${words}); COMP_CWORD=${String(line.length - 1)}; _kubently; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ]);
    return stdout.split('\n').filter(Boolean);
  };

  it('bash completes commands, group verbs with aliases, and flags', async () => {
    expect(await complete(['kubently', 'dia'])).toEqual(['diagnose']);
    expect(await complete(['kubently', 'clusters', ''])).toEqual(
      expect.arrayContaining(['add', 'list', 'remove', 'rotate-token', 'ls', 'rm']),
    );
    expect(await complete(['kubently', 'diagnose', '--out'])).toEqual(['--output']);
    expect(await complete(['kubently', 'clusters', 'remove', 'x', '--y'])).toEqual(['--yes']);
  });

  it('zsh reuses the bash function through bashcompinit; fish lists the same words', () => {
    const zsh = completionScript('zsh', commands);
    expect(zsh).toMatch(/^#compdef kubently\n/);
    expect(zsh).toContain('bashcompinit');
    expect(zsh).toContain('complete -o default -F _kubently kubently');
    const fish = completionScript('fish', commands);
    expect(fish).toContain("complete -c kubently -n __fish_use_subcommand -a 'up exec diagnose");
    expect(fish).toContain("-n '__fish_seen_subcommand_from diagnose' -l output");
  });

  it('an unknown shell names the choices', async () => {
    const io = createTestIo();
    expect(await run(['completion', 'powershell'], io)).toBe(2);
    expect(io.err()).toContain('the shell must be one of bash, zsh, fish (got "powershell")');
  });
});

describe('kubently config current and delete', () => {
  it('current names the saved server in use; delete forgets it and says none is current', async () => {
    const dir = await makeTempDir();
    const env = { KUBENTLY_CONFIG_DIR: dir };
    const kubently = async (argv: string[], extra: Record<string, string> = {}) => {
      const io = createTestIo({ env: { ...env, ...extra } });
      return { code: await run(argv, io), out: io.out(), err: io.err() };
    };
    expect((await kubently(['config', 'current'])).out).toBe('(none)\n');
    await kubently(['config', 'set-server', 'prod', '--url', 'http://127.0.0.1:9', '--key', 'k-123456789']);
    await kubently(['config', 'set-server', 'dev', '--url', 'http://127.0.0.1:10', '--key', 'k-987654321']);
    expect(await kubently(['config', 'current'])).toEqual({ code: 0, out: 'dev\n', err: '' });
    const overridden = await kubently(['config', 'current'], { KUBENTLY_API_URL: 'http://127.0.0.1:11' });
    expect(overridden.err).toContain('commands use http://127.0.0.1:11 (from KUBENTLY_API_URL)');
    const deleted = await kubently(['config', 'rm', 'dev']);
    expect(deleted.code).toBe(0);
    expect(deleted.out).toContain('No server is current now');
    expect((await kubently(['config', 'list', '-o', 'name'])).out).toBe('prod\n');
    const missing = await kubently(['config', 'delete', 'dev']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no server named "dev" (saved: prod)');
  });
});
