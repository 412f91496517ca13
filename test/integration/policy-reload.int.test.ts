import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { commandResponseSchema, errorBodySchema } from '@kubently/protocol';
import { afterAll, describe, expect, it } from 'vitest';

import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import { startExecutor, startServer } from './support/kubently.js';
import { eventually, stopAll } from './support/processes.js';
import { startTcpProxy } from './support/tcp-proxy.js';
import type { TcpProxy } from './support/tcp-proxy.js';

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

/**
 * The policy file laid out as the kubelet mounts a ConfigMap: policy.yaml -> ..data/policy.yaml,
 * ..data -> ..<version>; `update` writes a new version and renames a new ..data over the old one.
 */
async function configMapVolume(text: string) {
  const directory = await mkdtemp(join(tmpdir(), 'kubently-policy-cm-'));
  let version = 0;
  const write = async (content: string): Promise<void> => {
    version += 1;
    const name = `..2026_12_03_00_00_0${version}.00000000${version}`;
    await mkdir(join(directory, name));
    await writeFile(join(directory, name, 'policy.yaml'), content);
    await symlink(name, join(directory, '..data_tmp'));
    await rename(join(directory, '..data_tmp'), join(directory, '..data'));
  };
  await write(text);
  await symlink('..data/policy.yaml', join(directory, 'policy.yaml'));
  return {
    file: join(directory, 'policy.yaml'),
    update: write,
    remove: () => rm(directory, { recursive: true }),
  };
}

describe('policy file reloaded at runtime: server + executor processes', () => {
  let proxy: TcpProxy | undefined;
  let removeVolume: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await stopAll();
    await proxy?.close();
    await removeVolume?.();
  });

  it('readOnly → restrictedResources [configmaps]: denied by the executor and the server pre-check, no restart', async () => {
    const server = await startServer({ KUBENTLY_EXECUTOR_GRACE_MS: '60000' });
    const clusterId = 'policy-reload';
    const token = await server.api.addCluster(clusterId);
    const kubectl = createFakeKubectl();
    const volume = await configMapVolume('mode: readOnly\n');
    removeVolume = volume.remove;
    proxy = await startTcpProxy(Number(new URL(server.url).port));
    const executor = startExecutor({
      apiUrl: proxy.url,
      clusterId,
      token,
      kubectl,
      env: {
        KUBENTLY_POLICY_FILE: volume.file,
        KUBENTLY_POLICY_RELOAD_SECONDS: '1',
        KUBENTLY_MAX_BACKOFF_SECONDS: '1',
      },
    });
    await server.api.waitForExecutors(clusterId);
    const configmaps = (marker: string) => ({ clusterId, args: ['get', 'configmaps', marker] });
    const ranWith = (marker: string) => kubectl.invocations().filter((i) => i.argv.includes(marker));

    const allowed = await server.api.post('/v1/commands', configmaps('before'));
    expect(commandResponseSchema.parse(allowed.body).status).toBe('succeeded');

    // Cut the link, then update the ConfigMap: the executor reloads but cannot tell the server yet,
    // so the server's pre-check still passes a command, which waits for the executor to return.
    proxy.repoint(await deadPort());
    await executor.waitForLog((l) => l.msg === 'disconnected from the server');
    await volume.update('mode: readOnly\nrestrictedResources: [configmaps]\n');
    const reloaded = await executor.waitForLog((l) => String(l.msg).startsWith('policy reloaded'));
    expect(reloaded).toMatchObject({ oldMode: 'readOnly', newMode: 'readOnly', policyFile: volume.file });
    const queued = await server.api.post('/v1/commands?wait=false', configmaps('queued'));
    expect(queued.status).toBe(202);
    const queuedId = commandResponseSchema.parse(queued.body).id;
    proxy.repoint(Number(new URL(server.url).port));

    // The executor's own check: the new policy denies the command the server let through.
    const executorAnswer = await eventually(async () => {
      const answer = commandResponseSchema.parse((await server.api.get(`/v1/commands/${queuedId}`)).body);
      return answer.status === 'queued' || answer.status === 'running' ? undefined : answer;
    });
    expect(executorAnswer).toMatchObject({
      status: 'failed',
      exitCode: 126,
      failure: { code: 'policy_denied' },
    });
    expect(executorAnswer.failure?.message).toMatch(/executor's policy/);

    // The server's pre-check follows the re-posted capabilities: 422 without reaching the executor.
    const serverAnswer = await eventually(async () => {
      const answer = await server.api.post('/v1/commands', configmaps(`after-${randomUUID()}`));
      return answer.status === 422 ? answer : undefined;
    });
    expect(errorBodySchema.parse(serverAnswer.body).error.code).toBe('policy_denied');
    expect(ranWith('queued')).toEqual([]);
    expect(kubectl.invocations().filter((i) => i.argv.includes('configmaps'))).toHaveLength(1);
    // The same process all along: no restart.
    expect(executor.child.exitCode).toBeNull();
    expect(executor.logLines().filter((l) => l.msg === 'executor started')).toHaveLength(1);
  });
});
