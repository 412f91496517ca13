import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Command, CommandResult, ExecutorCapabilities } from '@kubently/protocol';
import { afterEach, describe, expect, it } from 'vitest';

import { buildExecutorConfig } from '../src/config.js';
import { start } from '../src/start.js';
import type { RunningExecutor } from '../src/start.js';
import { createFakeKubectl } from '../../../test/fixtures/fake-kubectl.js';
import { silentLogger } from './support/silent-logger.js';
import { StubServer } from './support/stub-server.js';

function command(id: string, args: string[]): Command {
  return {
    id,
    clusterId: 'prod',
    args,
    timeoutSeconds: 10,
    correlationId: 'c',
    issuedAt: new Date().toISOString(),
  };
}

const capabilitiesOf = (body: unknown) => body as ExecutorCapabilities;

describe('start: the policy file reloads at runtime', () => {
  let stub: StubServer | undefined;
  let executor: RunningExecutor | undefined;
  let directory: string | undefined;
  afterEach(async () => {
    await executor?.close();
    await stub?.close();
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  it('denies by the new policy, re-posts the capabilities, and is not ready while the file is invalid', async () => {
    stub = new StubServer();
    await stub.listen();
    directory = await mkdtemp(join(tmpdir(), 'kubently-policy-reload-'));
    const policyFile = join(directory, 'policy.yaml');
    await writeFile(policyFile, 'mode: readOnly\n');
    const kubectl = createFakeKubectl();
    const config = buildExecutorConfig(
      { apiUrl: stub.url, clusterId: 'prod', token: 't', kubectl: kubectl.path, policyFile, healthPort: 0 },
      { PATH: process.env.PATH },
    );
    // Every sleep ends at once: the watcher polls back to back (the interval is the timer's business).
    executor = await start(config, { logger: silentLogger, sleep: () => Promise.resolve() });
    await stub.waitFor((r) => r.path === '/v1/executor/capabilities');
    stub.send(command('before', ['get', 'configmaps']));
    const [before] = await stub.waitFor(
      (r) => r.path === '/v1/executor/results' && (r.body as CommandResult).commandId === 'before',
    );
    expect(before?.body).toMatchObject({ exitCode: 0 });

    await writeFile(policyFile, 'mode: readOnly\nrestrictedResources: [configmaps]\n');
    await stub.waitFor(
      (r) =>
        r.path === '/v1/executor/capabilities' &&
        capabilitiesOf(r.body).policy?.restrictedResources.includes('configmaps') === true,
    );
    stub.send(command('after', ['get', 'configmaps']));
    const [after] = await stub.waitFor(
      (r) => r.path === '/v1/executor/results' && (r.body as CommandResult).commandId === 'after',
    );
    expect(after?.body).toMatchObject({ exitCode: 126, failure: { code: 'policy_denied' } });
    expect(kubectl.invocations().filter((i) => i.argv.includes('configmaps'))).toHaveLength(1);

    const readyz = async () => {
      const response = await fetch(`${executor?.healthUrl ?? ''}/readyz`);
      const body = (await response.json()) as { checks: Record<string, { ok: boolean; message?: string }> };
      return { status: response.status, policy: body.checks.policy };
    };
    expect((await readyz()).policy).toEqual({ ok: true, message: `${policyFile} is in force` });
    await writeFile(policyFile, 'mode: [broken\n');
    let answer = await readyz();
    while (answer.policy?.ok !== false) answer = await readyz();
    expect(answer.status).toBe(503);
    expect(answer.policy.message).toContain(policyFile);
    expect(answer.policy.message).toContain('the last valid policy (readOnly) stays in force');
    // The last valid policy (configmaps restricted) still applies.
    stub.send(command('while-invalid', ['get', 'configmaps']));
    const [whileInvalid] = await stub.waitFor(
      (r) => r.path === '/v1/executor/results' && (r.body as CommandResult).commandId === 'while-invalid',
    );
    expect(whileInvalid?.body).toMatchObject({ exitCode: 126, failure: { code: 'policy_denied' } });
  });
});
