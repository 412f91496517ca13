import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

import { parsePolicyConfig } from '@kubently/policy';
import { commandResponseSchema, seedExecuteResponseSchema } from '@kubently/protocol';
import type { CommandResponse } from '@kubently/protocol';
import { createConfig, start } from '@kubently/server';
import type { RunningServer } from '@kubently/server';
import { runKubectl } from '@kubently/testbed';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import './testbed-context.js';

/**
 * The seed's polling agent protocol (issue #13 item 7) with a real Python client written from the
 * protocol's description only (test/fixtures/seed-agent.py, Debian's python3-requests), running the
 * testbed's real kubectl against the real apiserver. The agent neither applies a policy nor
 * redacts, so what is checked here is the server doing both: a Secret's value never comes back,
 * and a write that the cluster's (deliberately wide) policy lets through the pre-check is refused
 * at hand-over under the strictest default, never reaching the agent.
 */
const testbed = inject('testbed');
const agentScript = fileURLToPath(new URL('../fixtures/seed-agent.py', import.meta.url));
const adminKey = `seed-agent-admin-${randomBytes(8).toString('hex')}`;
const clusterId = 'seed-agent';
const namespace = `seed-agent-${randomBytes(4).toString('hex')}`;
const secretValue = `s3cret-${randomBytes(12).toString('hex')}`;
const encodedValue = Buffer.from(secretValue).toString('base64');

const kubectl = (args: readonly string[]) =>
  runKubectl(args, { kubectl: testbed.kubectl, kubeconfig: testbed.kubeconfig });

describe('a seed-style Python polling agent against the testbed', { timeout: 120_000 }, () => {
  let server: RunningServer;
  let token: string;
  let agent: ChildProcess;
  let agentOutput = '';
  const waiters = new Set<() => void>();

  /** Resolves once the agent printed a line matching `pattern` (earlier output included). */
  const agentSays = (pattern: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const line = agentOutput.split('\n').find((candidate) => pattern.test(candidate));
        if (line !== undefined) {
          waiters.delete(check);
          resolve(line);
        } else if (agent.exitCode !== null) {
          waiters.delete(check);
          reject(new Error(`the agent exited (${String(agent.exitCode)}):\n${agentOutput}`));
        }
      };
      waiters.add(check);
      check();
    });

  const api = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> => {
    const answer = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await answer.text();
    return { status: answer.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
  };

  const runCommand = async (args: readonly string[]): Promise<CommandResponse> => {
    const answer = await api('POST', '/v1/commands', { clusterId, args, timeoutSeconds: 30 });
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
    return commandResponseSchema.parse(answer.body);
  };

  beforeAll(async () => {
    const created = await kubectl(['create', 'namespace', namespace]);
    expect(created.exitCode, created.stderr).toBe(0);
    const secret = await kubectl([
      'create',
      'secret',
      'generic',
      'db-credentials',
      '-n',
      namespace,
      `--from-literal=password=${secretValue}`,
    ]);
    expect(secret.exitCode, secret.stderr).toBe(0);
    server = await start(
      createConfig({
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
        apiKeys: [{ identity: 'sre', key: adminKey, role: 'admin' }],
      }),
      // The widest policy the server can be given: the agent's hand-over must still be readOnly.
      { policy: () => [parsePolicyConfig({ mode: 'fullAccess', fullAccessAcknowledged: true })] },
    );
    const registered = await api('POST', '/v1/clusters', { id: clusterId });
    token = (registered.body as { token: string }).token;
    agent = spawn('/usr/bin/python3', [agentScript], {
      env: {
        PATH: `${testbed.binDir}:/usr/bin:/bin`,
        HOME: testbed.runDir,
        KUBECONFIG: testbed.kubeconfig,
        KUBENTLY_API_URL: server.url,
        CLUSTER_ID: clusterId,
        KUBENTLY_TOKEN: token,
        KUBECTL: testbed.kubectl,
        POLL_WAIT: '2',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer): void => {
      agentOutput += chunk.toString('utf8');
      for (const waiter of [...waiters]) waiter();
    };
    agent.stdout?.on('data', collect);
    agent.stderr?.on('data', collect);
    agent.once('exit', () => {
      for (const waiter of [...waiters]) waiter();
    });
    await agentSays(/^status /);
  });

  afterAll(async () => {
    if (agent.exitCode === null) {
      const exited = new Promise((resolve) => agent.once('exit', resolve));
      agent.kill('SIGTERM');
      await exited;
    }
    await server.close();
    await kubectl(['delete', 'namespace', namespace, '--wait=false']);
  });

  it('reports is_active: false when nobody debugs, true while a session is open', async () => {
    expect(await agentSays(/^status /)).toBe('status {"is_active": false}');
    const session = await api('POST', '/v1/sessions', { clusterId });
    expect(session.status).toBe(201);
    const status = await fetch(`${server.url}/agent/status`, {
      headers: { authorization: `Bearer ${token}`, 'x-cluster-id': clusterId },
    });
    expect(await status.json()).toEqual({ is_active: true });
    const wrongCluster = await fetch(`${server.url}/agent/status`, {
      headers: { authorization: `Bearer ${token}`, 'x-cluster-id': 'another-cluster' },
    });
    expect(wrongCluster.status).toBe(401);
  });

  it('runs kubectl through the agent: real output of the testbed comes back', async () => {
    const response = await runCommand(['get', 'namespace', namespace, '-o', 'name']);
    expect(response).toMatchObject({ status: 'succeeded', exitCode: 0, stdout: `namespace/${namespace}\n` });
    await agentSays(new RegExp(`^ran ${response.id} `));
  });

  it.each([['yaml'], ['json']])(
    'get secret -o %s: keys visible, the value never comes back',
    async (format) => {
      const response = await runCommand(['get', 'secret', 'db-credentials', '-n', namespace, '-o', format]);
      // The agent did run it and posted the real, unredacted Secret...
      await agentSays(new RegExp(`^posted ${response.id} 200`));
      expect(response.status, JSON.stringify(response)).toBe('succeeded');
      // ...and the server redacted it before anyone could read it.
      expect(response.stdout).toContain('db-credentials');
      expect(response.stdout).toContain('password');
      expect(response.stdout).not.toContain(encodedValue);
      expect(response.stdout).not.toContain(secretValue);
      expect(response.redactions).toBeGreaterThanOrEqual(1);
      const stored = await api('GET', `/v1/commands/${response.id}`);
      expect(JSON.stringify(stored.body)).not.toContain(encodedValue);
    },
  );

  it('refuses a write the wide pre-check let through: never sent to the agent, policy_denied', async () => {
    const response = await runCommand(['delete', 'secret', 'db-credentials', '-n', namespace]);
    expect(response.status).toBe('failed');
    expect(response.failure?.code).toBe('policy_denied');
    expect(response.failure?.message).toMatch(/readOnly/);
    expect(agentOutput).not.toContain(response.id);
    const still = await kubectl(['get', 'secret', 'db-credentials', '-n', namespace, '-o', 'name']);
    expect(still.stdout).toBe('secret/db-credentials\n');
  });

  it('/debug/execute returns kubectl stderr on success and applies its default namespace', async () => {
    const answer = await api('POST', '/debug/execute', {
      cluster_id: clusterId,
      command_type: 'get',
      args: ['pods'],
      namespace,
    });
    const body = seedExecuteResponseSchema.parse(answer.body);
    expect(body.status).toBe('success');
    // kubectl exits 0 and says so on stderr for an empty list.
    expect(body.error).toBe(`No resources found in ${namespace} namespace.\n`);
    const defaulted = seedExecuteResponseSchema.parse(
      (
        await api('POST', '/debug/execute', {
          cluster_id: clusterId,
          command_type: 'get',
          args: ['serviceaccounts'],
        })
      ).body,
    );
    expect(defaulted.status).toBe('success');
    await agentSays(new RegExp(`^ran ${defaulted.command_id} .*"--namespace=default"`));
  });
});
