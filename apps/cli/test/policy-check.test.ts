import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { run } from '../src/run.js';
import { createTestIo, makeTempDir } from './support/test-io.js';

interface Decision {
  allowed: boolean;
  reason: string;
  verb: string | null;
  namespace: string | null;
}

async function check(args: string[], cwd?: string) {
  const io = createTestIo(cwd === undefined ? {} : { cwd });
  const code = await run(['policy', 'check', ...args], io);
  return { code, io };
}

describe('kubently policy check', () => {
  it('exits 0 and prints the decision for `get pods -n kube-system`', async () => {
    const { code, io } = await check(['--', 'get', 'pods', '-n', 'kube-system']);
    expect(code).toBe(0);
    const decision = JSON.parse(io.out()) as Decision;
    expect(decision).toMatchObject({ allowed: true, verb: 'get', namespace: 'kube-system' });
  });

  it('exits 3 for `delete pod x` with a reason naming delete', async () => {
    const { code, io } = await check(['--', 'delete', 'pod', 'x']);
    expect(code).toBe(3);
    const decision = JSON.parse(io.out()) as Decision;
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toContain('delete');
    expect(io.err()).toContain('denied');
  });

  it('exits 3 for `get --server=https://x pods`', async () => {
    const { code, io } = await check(['--', 'get', '--server=https://x', 'pods']);
    expect(code).toBe(3);
    expect((JSON.parse(io.out()) as Decision).reason).toContain('--server');
  });

  it('applies the config file and lets --mode override its mode', async () => {
    const dir = await makeTempDir();
    await writeFile(join(dir, 'full.json'), '{"mode":"fullAccess","fullAccessAcknowledged":true}');
    expect((await check(['--', 'delete', 'pod', 'x'], dir)).code).toBe(3);
    expect((await check(['--config', 'full.json', '--', 'delete', 'pod', 'x'], dir)).code).toBe(0);
    expect(
      (await check(['--config', 'full.json', '--mode', 'readOnly', '--', 'delete', 'pod', 'x'], dir)).code,
    ).toBe(3);
  });

  it('reads a YAML policy config file (configmaps restricted) and a JSON one', async () => {
    const dir = await makeTempDir();
    await writeFile(join(dir, 'policy.yaml'), 'mode: readOnly\nrestrictedResources: [configmaps]\n');
    await writeFile(join(dir, 'policy.json'), '{"mode":"readOnly"}');
    const open = await check(['--config', 'policy.json', '--', 'get', 'cm', '-o', 'yaml'], dir);
    expect(open.code).toBe(0);
    const restricted = await check(['--config', 'policy.yaml', '--', 'get', 'cm', '-o', 'yaml'], dir);
    const decision = JSON.parse(restricted.io.out()) as {
      resources: { resource: string; restricted: boolean }[];
    };
    expect(decision.resources).toContainEqual(
      expect.objectContaining({ resource: 'configmaps', restricted: true }),
    );
  });

  it.each([
    [['--', 'get', 'pods'], 'no --', ['get', 'pods']],
    [['--mode', 'bogus', '--', 'get', 'pods'], 'bogus mode', undefined],
    [['--'], 'no kubectl args', undefined],
    [['--config', '/nonexistent/policy.json', '--', 'get', 'pods'], 'unreadable config', undefined],
    [['--mode', 'fullAccess', '--', 'get', 'pods'], 'fullAccess without acknowledgement', undefined],
  ])('exits 2 on usage errors (%#: %s)', async (args, _label, positional) => {
    const { code, io } = await check(positional === undefined ? args : positional);
    expect(code).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/^kubently: \S/);
  });

  it('exits 2 with the file name for an invalid config file', async () => {
    const dir = await makeTempDir();
    await writeFile(join(dir, 'bad.json'), '{"mode":"readOnly","extraVerbs":"delete"}');
    await writeFile(join(dir, 'broken.json'), '{"mode":');
    const invalid = await check(['--config', 'bad.json', '--', 'get', 'pods'], dir);
    expect(invalid.code).toBe(2);
    expect(invalid.io.err()).toContain('bad.json');
    const broken = await check(['--config', 'broken.json', '--', 'get', 'pods'], dir);
    expect(broken.code).toBe(2);
    expect(broken.io.err()).toContain('not valid JSON');
  });
});
