import { afterEach, describe, expect, it } from 'vitest';

import { parsePolicyConfig } from '@kubently/policy';
import { commandResponseSchema, seedAgentCommandsSchema } from '@kubently/protocol';
import type { CommandResponse, SeedAgentCommand } from '@kubently/protocol';

import { createTestServer } from '../support/test-server.js';
import type { TestServer } from '../support/test-server.js';

/**
 * The seed's polling agent protocol (`/agent/*`) driven in-process: delivery through the long-poll
 * transport (a lost answer reaches the next poll, duplicate results are acked once), the strictest
 * policy at hand-over and the server's redaction of what such an agent posts.
 */
let server: TestServer;

afterEach(async () => {
  await server.close();
});

const secretJson = JSON.stringify({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'shop' },
  data: { password: 'aHVudGVyMg==' },
});

const setUp = async (fullAccess = false) => {
  server = createTestServer(
    { executorGraceMs: 5000 },
    fullAccess
      ? { policy: () => [parsePolicyConfig({ mode: 'fullAccess', fullAccessAcknowledged: true })] }
      : {},
  );
  const token = await server.createCluster();
  const headers = { authorization: `Bearer ${token}`, 'x-cluster-id': 'prod' };
  const poll = (wait = 5, signal?: AbortSignal) =>
    server.app.request(`/agent/commands?wait=${wait}`, {
      headers,
      ...(signal === undefined ? {} : { signal }),
    });
  const commandsOf = async (response: Response): Promise<SeedAgentCommand[]> =>
    response.status === 204 ? [] : seedAgentCommandsSchema.parse(await response.json()).commands;
  const post = (commandId: string, result: Record<string, unknown>) =>
    server.app.request('/agent/results', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ command_id: commandId, result }),
    });
  const submit = async (args: string[], namespace?: string): Promise<CommandResponse> => {
    const response = await server.call('POST', '/v1/commands', {
      body: { clusterId: 'prod', args, ...(namespace === undefined ? {} : { namespace }) },
    });
    return commandResponseSchema.parse(await response.json());
  };
  return { token, poll, commandsOf, post, submit };
};

describe('/agent/* (the seed polling agent)', { timeout: 20_000 }, () => {
  it('answers 204 without commands, then hands over a command with its namespace applied', async () => {
    const agent = await setUp();
    expect((await agent.poll(0)).status).toBe(204);
    const answered = agent.submit(['get', 'pods'], 'shop');
    const [command] = await agent.commandsOf(await agent.poll());
    expect(command).toMatchObject({ args: ['get', 'pods', '--namespace=shop'], timeout: 10 });
    const ack = await agent.post(command!.id, {
      success: true,
      output: 'NAME READY\nweb-1 1/1\n',
      error: 'Warning: something\n',
      exit_code: 0,
      execution_time_ms: 12,
    });
    expect(await ack.json()).toEqual({ status: 'accepted', command_id: command!.id, duplicate: false });
    const again = await agent.post(command!.id, { success: true, output: 'other', exit_code: 0 });
    expect(await again.json()).toMatchObject({ duplicate: true });
    expect(await answered).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      stdout: 'NAME READY\nweb-1 1/1\n',
      stderr: 'Warning: something\n',
      redactions: 0,
    });
  });

  it('re-sends a command whose answer never reached the agent on its next poll', async () => {
    const agent = await setUp();
    const answered = agent.submit(['get', 'nodes']);
    const connection = new AbortController();
    const [lost] = await agent.commandsOf(await agent.poll(5, connection.signal));
    expect(lost).toBeDefined();
    connection.abort();
    const [retried] = await agent.commandsOf(await agent.poll());
    expect(retried?.id).toBe(lost?.id);
    await agent.post(retried!.id, { success: true, output: 'node/a\n', exit_code: 0 });
    expect((await answered).stdout).toBe('node/a\n');
  });

  it('redacts a Secret the agent posts as is, and withholds output it cannot parse', async () => {
    const agent = await setUp();
    const json = agent.submit(['get', 'secret', 'db', '-o', 'json'], 'shop');
    const [first] = await agent.commandsOf(await agent.poll());
    await agent.post(first!.id, { success: true, output: secretJson, exit_code: 0 });
    const redacted = await json;
    expect(redacted.stdout).toContain('password');
    expect(redacted.stdout).not.toContain('aHVudGVyMg==');
    expect(redacted.redactions).toBe(1);
    // Its output may be cut anywhere (it says nothing about completeness): a map without `kind`
    // still counts as a Secret's.
    const kindless = agent.submit(['get', 'secrets', '-o', 'json'], 'shop');
    const [cut] = await agent.commandsOf(await agent.poll());
    await agent.post(cut!.id, {
      success: true,
      output: '{"items":[{"data":{"password":"aHVudGVyMg=="}}]}',
      exit_code: 0,
    });
    expect((await kindless).stdout).not.toContain('aHVudGVyMg==');
    // The seed agent mixed stderr into output: not parseable, so nothing of it is passed on.
    const mixed = agent.submit(['get', 'secret', 'db', '-o', 'yaml'], 'shop');
    const [second] = await agent.commandsOf(await agent.poll());
    await agent.post(second!.id, {
      success: true,
      output: 'Warning: x\napiVersion: v1\ndata:\n  password: aHVudGVyMg==\nkind: Secret\n  bad: [\n',
      exit_code: 0,
    });
    const withheld = await mixed;
    expect(withheld.stdout).toMatch(/^kubently: output withheld/);
    expect(withheld.stdout).not.toContain('aHVudGVyMg==');
  });

  it('never hands a write to the agent, even when the cluster policy lets it through the pre-check', async () => {
    const agent = await setUp(true);
    const refused = agent.submit(['delete', 'pod', 'web-1'], 'shop');
    const allowed = agent.submit(['get', 'pods'], 'shop');
    const handed: SeedAgentCommand[] = [];
    while (handed.length === 0) handed.push(...(await agent.commandsOf(await agent.poll())));
    expect(handed.map((command) => command.args)).toEqual([['get', 'pods', '--namespace=shop']]);
    await agent.post(handed[0]!.id, { success: true, output: '', exit_code: 0 });
    expect(await refused).toMatchObject({ status: 'failed', failure: { code: 'policy_denied' } });
    expect((await refused).failure?.message).toMatch(/strictest default, readOnly/);
    expect((await allowed).status).toBe('succeeded');
  });

  it('refuses a wrong token or another cluster id', async () => {
    const agent = await setUp();
    const wrongToken = await server.app.request('/agent/status', {
      headers: { authorization: 'Bearer nope', 'x-cluster-id': 'prod' },
    });
    expect(wrongToken.status).toBe(401);
    const otherCluster = await server.app.request('/agent/status', {
      headers: { authorization: `Bearer ${agent.token}`, 'x-cluster-id': 'staging' },
    });
    expect(otherCluster.status).toBe(401);
  });
});
