import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ConfigError, parseEnvironment } from '../../src/config.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubently-notify-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const problem = (env: Record<string, string>): string => {
  try {
    parseEnvironment(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error instanceof Error ? error.message : '';
  }
  throw new Error('expected a ConfigError');
};

describe('KUBENTLY_NOTIFY_CONFIG', () => {
  it('is read once at start, with ${VAR} from the environment', async () => {
    const file = join(dir, 'notify.yaml');
    await writeFile(
      file,
      'sinks: [{name: ops, type: webhook, url: "https://hooks.example/x", secret: "${HOOK_SECRET}"}]\nroutes: [{sinks: [ops]}]\nwatch: {targets: [{cluster: prod}]}\n',
    );
    const config = parseEnvironment({ KUBENTLY_NOTIFY_CONFIG: file, HOOK_SECRET: 'a-secret-of-16-chars' });
    expect(config.notify?.sinks[0]).toMatchObject({ name: 'ops', secret: 'a-secret-of-16-chars' });
    expect(config.notify?.watch.targets).toEqual([{ cluster: 'prod' }]);
    expect(parseEnvironment({}).notify).toBeNull();
  });

  it('names the variable, the file, the field and the fix, never the secret', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      'sinks: [{name: ops, type: webhook, url: "https://hooks.example/x", secret: "short-s3cret"}]\n',
    );
    const message = problem({ KUBENTLY_NOTIFY_CONFIG: file });
    expect(message).toContain(
      `KUBENTLY_NOTIFY_CONFIG: ${file}: sinks[0].secret: must be at least 16 characters`,
    );
    expect(message).not.toContain('short-s3cret');
    expect(problem({ KUBENTLY_NOTIFY_CONFIG: join(dir, 'absent.yaml') })).toMatch(
      /KUBENTLY_NOTIFY_CONFIG: cannot read .*absent\.yaml .*fix the path or unset KUBENTLY_NOTIFY_CONFIG/,
    );
  });
});
