import { request as httpRequest } from 'node:http';

import { TaskState } from '@a2a-js/sdk';
import type { Task } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import { agentStreamErrorSchema, agentStreamEventSchema, agentStreamFinalSchema } from '@kubently/protocol';
import { parseAgentConfig } from '@kubently/agent';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startFakeProvider } from '../../packages/agent/test/support/fake-provider.js';

import {
  a2aClient,
  answerOf,
  collect,
  describeResponse,
  userMessage,
  withKey,
} from './support/a2a-client.js';
import type { Seen } from './support/a2a-client.js';
import {
  agentKeys,
  createListingKubectl,
  programmableModel,
  startAgentKubently,
} from './support/agent-kubently.js';
import type { AgentKubently } from './support/agent-kubently.js';
import { eventually } from './support/processes.js';

const answer = (pods: string) =>
  `**Root cause:** the pod ${pods} is crash-looping.\n**Evidence:** kubectl get pods\n**Impact:** checkout is down.\n**Fix:** fix the config.\n**Verification:** kubectl get pods`;

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const rawGet = (url: string, headers: Record<string, string>): Promise<string> =>
  new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve(Buffer.concat(chunks).toString('utf8'));
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });

const isTask = (value: unknown): value is Task =>
  typeof value === 'object' && value !== null && 'status' in value && 'artifacts' in value;

/**
 * A2A through the SDK's own client against the server listening on a loopback port, with the
 * built executor running the kubectl test double for cluster `prod`, and a scripted model.
 */
describe('A2A server (model mode)', () => {
  const scripted = programmableModel();
  let kubently: AgentKubently;
  let client: Client;

  beforeAll(async () => {
    kubently = await startAgentKubently({ overrides: { model: scripted.model } });
    client = await a2aClient(kubently.url);
  });
  afterAll(async () => {
    await kubently.close();
  });

  it('serves a truthful public agent card that names no cluster: 1.0 and 0.3 JSON-RPC interfaces, skills of what is enabled', async () => {
    // The public card is fetched without credentials: it must not tell anyone which clusters exist.
    // node:http, because fetch does not let a caller choose the Host header.
    const publicCard = JSON.parse(
      await rawGet(`${kubently.url}/.well-known/agent-card.json`, {
        'A2A-Version': '1.0',
        host: 'evil.example',
      }),
    ) as {
      supportedInterfaces: { url: string; protocolBinding: string; protocolVersion: string }[];
      description: string;
      skills: { id: string; examples: string[] }[];
      capabilities: { streaming: boolean; extendedAgentCard: boolean };
    };
    expect(JSON.stringify(publicCard)).not.toContain('prod');
    // The URLs come from the listening address, never from the Host header a client sent.
    expect(JSON.stringify(publicCard)).not.toContain('evil.example');
    expect(
      publicCard.supportedInterfaces.map((item) => [item.url, item.protocolBinding, item.protocolVersion]),
    ).toEqual([
      [`${kubently.url}/a2a`, 'JSONRPC', '1.0'],
      [`${kubently.url}/a2a`, 'JSONRPC', '0.3'],
    ]);
    expect(publicCard.capabilities).toMatchObject({ streaming: true, extendedAgentCard: true });
    const expected = kubently.server.services.agent.hasDiagnose
      ? ['kubernetes-troubleshooting', 'cluster-diagnosis']
      : ['kubernetes-troubleshooting'];
    expect(publicCard.skills.map((skill) => skill.id)).toEqual(expected);
    // Without A2A-Version (0.3 clients) the card has the 0.3 shape, and names no cluster either.
    const legacy = (await (await fetch(`${kubently.url}/.well-known/agent.json`)).json()) as Record<
      string,
      unknown
    >;
    expect(legacy).toMatchObject({
      protocolVersion: '0.3.0',
      url: `${kubently.url}/a2a`,
      preferredTransport: 'JSONRPC',
      supportsAuthenticatedExtendedCard: true,
    });
    expect(JSON.stringify(legacy)).not.toContain('prod');
  });

  it('gives an authenticated caller the extended card, whose examples name the connected cluster; without a key it is refused', async () => {
    // The SDK fetches the extended card itself when the public card advertises one.
    const card = await client.getAgentCard(withKey(agentKeys.viewer));
    expect(client.protocolVersion).toBe('1.0');
    expect(card.skills[0]?.examples.join(' ')).toContain('cluster prod');
    expect(card.description).toContain('Connected clusters: prod');
    const anonymous = await a2aClient(kubently.url);
    await expect(anonymous.getAgentCard()).rejects.toThrow(/401|unauthorized|API key/i);
    // 0.3 clients ask with agent/getAuthenticatedExtendedCard.
    const legacy = await fetch(`${kubently.url}/a2a`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': agentKeys.viewer },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'agent/getAuthenticatedExtendedCard' }),
    });
    const body = (await legacy.json()) as { result?: { description?: string; url?: string } };
    expect(body.result?.description).toContain('Connected clusters: prod');
    expect(body.result?.url).toBe(`${kubently.url}/a2a`);
  });

  it('streams task → tool call started/finished with metadata → text deltas → answer artifact → completed', async () => {
    scripted.script([
      {
        text: 'Let me look at the pods.\n',
        toolCalls: [
          {
            id: 'c1',
            name: 'execute_kubectl',
            input: { args: ['get', 'pods', 'checkout-7d9', '-n', 'shop'] },
          },
        ],
      },
      { text: answer('checkout-7d9') },
    ]);
    const seen = await collect(
      client.sendMessageStream(
        userMessage('why is checkout down?', { clusterId: 'prod' }),
        withKey(agentKeys.operator),
      ),
    );
    expect(seen[0]).toMatchObject({ kind: 'task', state: TaskState.TASK_STATE_WORKING });
    const types = seen.map((item) =>
      item.kind === 'statusUpdate'
        ? `status:${typeof item.kubently?.['type'] === 'string' ? item.kubently['type'] : String(item.state)}`
        : item.kind,
    );
    const started = types.indexOf('status:tool-call-started');
    const finished = types.indexOf('status:tool-call-finished');
    const artifact = types.indexOf('artifactUpdate');
    expect(started).toBeGreaterThan(0);
    expect(finished).toBeGreaterThan(started);
    expect(types.slice(finished).filter((type) => type === 'status:text-delta').length).toBeGreaterThan(0);
    expect(types.lastIndexOf('status:text-delta')).toBeLessThan(artifact);
    expect(types.at(-1)).toBe(`status:final`);
    expect(seen.at(-1)?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    for (const item of seen.filter(
      (s) => s.kind === 'statusUpdate' && s.state === TaskState.TASK_STATE_WORKING,
    )) {
      expect(agentStreamEventSchema.safeParse(item.kubently).success).toBe(true);
    }
    expect(seen[started]?.kubently).toMatchObject({
      type: 'tool-call-started',
      tool: 'execute_kubectl',
      args: { args: ['get', 'pods', 'checkout-7d9', '-n', 'shop'] },
    });
    expect(seen[finished]?.kubently).toMatchObject({
      type: 'tool-call-finished',
      tool: 'execute_kubectl',
      outcome: 'ok',
    });
    expect(seen[finished]?.kubently?.['durationMs']).toEqual(expect.any(Number));
    const text = seen
      .filter((item) => item.kubently?.['type'] === 'text-delta')
      .map((item) => String(item.kubently?.['text']))
      .join('');
    expect(text).toContain('Root cause:');
    expect(seen[artifact]).toMatchObject({ artifactName: 'answer', text: answer('checkout-7d9') });
    expect(agentStreamFinalSchema.parse(seen[artifact]?.kubently)).toMatchObject({
      type: 'final',
      mode: 'model',
      stopReason: 'answered',
      steps: 2,
      clusterId: 'prod',
    });
    // The command really ran on the cluster's executor, as the caller, audited as the agent's.
    expect(kubently.kubectl.invocations().some((call) => call.argv.includes('checkout-7d9'))).toBe(true);
    const audit = await kubently.api.get('/v1/audit?clusterId=prod');
    const records = (
      audit.body as { records: { identity: string; source: string; argv: string[]; correlationId: string }[] }
    ).records;
    const record = records.find((item) => item.argv.includes('checkout-7d9'));
    expect(record).toMatchObject({ identity: 'oncall', source: 'agent' });
  });

  it('shows a policy denial as outcome denied, and the answer still completes', async () => {
    scripted.script([
      {
        toolCalls: [
          {
            id: 'd1',
            name: 'execute_kubectl',
            input: { args: ['delete', 'pod', 'checkout-7d9', '-n', 'shop'] },
          },
        ],
      },
      { text: 'I may not delete pods; read-only.' },
    ]);
    const seen = await collect(
      client.sendMessageStream(
        userMessage('delete the pod', { clusterId: 'prod' }),
        withKey(agentKeys.admin),
      ),
    );
    const finished = seen.find((item) => item.kubently?.['type'] === 'tool-call-finished');
    expect(finished?.kubently).toMatchObject({ outcome: 'denied', tool: 'execute_kubectl' });
    expect(String(finished?.kubently?.['summary'])).toContain('policy_denied');
    expect(seen.at(-1)?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(kubently.kubectl.invocations().some((call) => call.argv.includes('delete'))).toBe(false);
  });

  it('answers SendMessage with the completed task; GetTask and ListTasks show it to its owner only', async () => {
    scripted.script([{ text: answer('none') }]);
    const result = await client.sendMessage(
      userMessage('anything wrong?', { clusterId: 'prod' }, 'ctx-list'),
      withKey(agentKeys.admin),
    );
    if (!isTask(result)) throw new Error('expected a task');
    expect(result.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerOf(result)).toBe(answer('none'));
    const fetched = await client.getTask(
      { tenant: '', id: result.id, historyLength: undefined },
      withKey(agentKeys.admin),
    );
    expect(fetched.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerOf(fetched)).toBe(answer('none'));
    expect(fetched.history[0]?.parts[0]?.content).toEqual({ $case: 'text', value: 'anything wrong?' });
    const listed = await client.listTasks(
      {
        tenant: '',
        contextId: 'ctx-list',
        status: TaskState.TASK_STATE_UNSPECIFIED,
        pageToken: '',
        statusTimestampAfter: undefined,
        includeArtifacts: true,
      },
      withKey(agentKeys.admin),
    );
    expect(listed.tasks.map((task) => task.id)).toEqual([result.id]);
    expect(answerOf(listed.tasks[0] as Task)).toBe(answer('none'));
    await expect(
      client.getTask({ tenant: '', id: result.id, historyLength: undefined }, withKey(agentKeys.operator)),
    ).rejects.toThrow(/not found/i);
  });

  it('cancels a running task: the command stops being awaited and its kubectl is killed, the task ends CANCELED with error metadata', async () => {
    scripted.script([
      {
        toolCalls: [
          {
            id: 's1',
            name: 'execute_kubectl',
            input: { args: ['get', 'pods', 'fake-sleep-30'], timeoutSeconds: 60 },
          },
        ],
      },
      { text: 'never reached' },
    ]);
    const stream = client.sendMessageStream(
      userMessage('slow one', { clusterId: 'prod' }),
      withKey(agentKeys.operator),
    );
    const seen: Seen[] = [];
    let cancelled: Task | undefined;
    for await (const response of stream) {
      const item = describeResponse(response);
      seen.push(item);
      if (item.kubently?.['type'] === 'tool-call-started') {
        await eventually(() =>
          kubently.kubectl.invocations().some((call) => call.argv.includes('fake-sleep-30'))
            ? true
            : undefined,
        );
        cancelled = await client.cancelTask(
          { tenant: '', id: item.taskId ?? '', metadata: undefined },
          withKey(agentKeys.operator),
        );
      }
    }
    expect(cancelled?.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    const last = seen.at(-1);
    expect(last?.state).toBe(TaskState.TASK_STATE_CANCELED);
    expect(agentStreamErrorSchema.parse(last?.kubently)).toMatchObject({ code: 'cancelled' });
    expect(scripted.calls).toHaveLength(1);
    // The executor got `cancel` and killed the fake long before its 30 s sleep ends.
    const sleeper = kubently.kubectl.invocations().find((call) => call.argv.includes('fake-sleep-30'));
    expect(sleeper).toBeDefined();
    await eventually(() => (isAlive(sleeper!.pid) ? undefined : true), 15_000);
  });

  it('SubscribeToTask re-attaches to a running task and follows it to the end', async () => {
    scripted.script([
      {
        toolCalls: [{ id: 'r1', name: 'execute_kubectl', input: { args: ['get', 'pods', 'fake-sleep-2'] } }],
      },
      { text: answer('resubscribed') },
    ]);
    const original: Seen[] = [];
    let followed: Promise<Seen[]> | undefined;
    for await (const response of client.sendMessageStream(
      userMessage('slow-ish', { clusterId: 'prod' }),
      withKey(agentKeys.operator),
    )) {
      const item = describeResponse(response);
      original.push(item);
      if (item.kubently?.['type'] === 'tool-call-started' && followed === undefined) {
        followed = collect(
          client.resubscribeTask({ tenant: '', id: item.taskId ?? '' }, withKey(agentKeys.operator)),
        );
      }
    }
    const again = await (followed ?? Promise.resolve([]));
    expect(again[0]?.kind).toBe('task');
    expect(again.some((item) => item.kubently?.['type'] === 'tool-call-finished')).toBe(true);
    expect(again.find((item) => item.kind === 'artifactUpdate')?.text).toBe(answer('resubscribed'));
    expect(again.at(-1)?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(original.at(-1)?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  });

  it('refuses a call without a valid key (401) and a viewer asking the agent (403); both say why', async () => {
    await expect(client.sendMessage(userMessage('hi'), withKey(null))).rejects.toThrow(/X-API-Key/);
    await expect(
      client.sendMessage(userMessage('hi'), withKey('wrong-key-0123456789abcdef')),
    ).rejects.toThrow(/invalid API key/);
    await expect(client.sendMessage(userMessage('hi'), withKey(agentKeys.viewer))).rejects.toThrow(
      /role "viewer" may not ask/,
    );
    const tasks = await client.listTasks(
      {
        tenant: '',
        contextId: '',
        status: TaskState.TASK_STATE_UNSPECIFIED,
        pageToken: '',
        statusTimestampAfter: undefined,
      },
      withKey(agentKeys.viewer),
    );
    expect(tasks.tasks).toEqual([]);
  });

  it('fails the task (never an empty answer) for an unknown cluster, naming the registered ones', async () => {
    scripted.script([]);
    const seen = await collect(
      client.sendMessageStream(userMessage('why?', { clusterId: 'nope' }), withKey(agentKeys.admin)),
    );
    expect(seen[0]?.kind).toBe('task');
    const last = seen.at(-1);
    expect(last?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(last?.kubently).toMatchObject({ type: 'error', code: 'validation_failed' });
    expect(last?.text).toContain('registered clusters: prod');
    expect(scripted.calls).toHaveLength(0);
  });

  it('answers a plain HTTP client (curl) with SSE for SendStreamingMessage with A2A-Version: 1.0', async () => {
    scripted.script([
      {
        toolCalls: [
          { id: 'w1', name: 'execute_kubectl', input: { args: ['get', 'pods', 'wire-pod', '-n', 'shop'] } },
        ],
      },
      { text: answer('wire-pod') },
    ]);
    const response = await fetch(`${kubently.url}/a2a`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': agentKeys.admin, 'a2a-version': '1.0' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'SendStreamingMessage',
        params: {
          message: {
            messageId: 'curl-1',
            role: 'ROLE_USER',
            parts: [{ text: 'why is wire-pod failing?' }],
            metadata: { clusterId: 'prod' },
          },
        },
      }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = (await response.text())
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as { result: Record<string, Record<string, unknown>> });
    if (process.env['A2A_WIRE_DUMP'] === '1') console.log(JSON.stringify(events, null, 1));
    expect(Object.keys(events[0]?.result ?? {})).toEqual(['task']);
    const toolEvent = events.find((event) => JSON.stringify(event).includes('"tool-call-started"'));
    expect(toolEvent?.result['statusUpdate']?.['metadata']).toEqual({
      kubently: {
        type: 'tool-call-started',
        id: 'w1',
        tool: 'execute_kubectl',
        args: { args: ['get', 'pods', 'wire-pod', '-n', 'shop'] },
      },
    });
    expect(JSON.stringify(events.at(-2))).toContain('"name":"answer"');
    expect(JSON.stringify(events.at(-1))).toContain('"TASK_STATE_COMPLETED"');
  });

  it('speaks 0.3 to clients without A2A-Version (message/stream)', async () => {
    scripted.script([{ text: answer('legacy') }]);
    const response = await fetch(`${kubently.url}/a2a`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': agentKeys.admin },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 7,
        method: 'message/stream',
        params: {
          message: {
            kind: 'message',
            messageId: 'legacy-1',
            role: 'user',
            parts: [{ kind: 'text', text: 'status?' }],
          },
          metadata: { clusterId: 'prod' },
        },
      }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    expect(text).toContain('"kind":"task"');
    expect(text).toContain('"kind":"artifact-update"');
    expect(text).toContain('"state":"completed"');
  });
});

describe('A2A server (engine-only mode: no model configured)', () => {
  let kubently: AgentKubently;
  let client: Client;

  beforeAll(async () => {
    kubently = await startAgentKubently({ overrides: { model: null }, kubectl: createListingKubectl() });
    client = await a2aClient(kubently.url);
  });
  afterAll(async () => {
    await kubently.close();
  });

  it('lists only the diagnosis skill and answers from the engine through the executor', async () => {
    const card = await client.getAgentCard(withKey(agentKeys.operator));
    expect(card.skills.map((skill) => skill.id)).toEqual(['cluster-diagnosis']);
    expect(card.skills[0]?.description).toContain('no language model is configured');
    const seen = await collect(
      client.sendMessageStream(
        userMessage('what is wrong in namespace shop?', { clusterId: 'prod' }),
        withKey(agentKeys.operator),
      ),
    );
    const artifact = seen.find((item) => item.kind === 'artifactUpdate');
    expect(agentStreamFinalSchema.parse(artifact?.kubently)).toMatchObject({
      mode: 'engine',
      stopReason: 'engine_only',
      steps: 0,
    });
    expect(artifact?.text).toMatch(/Root cause/);
    expect(artifact?.text).toContain('checkout-7d9');
    expect(seen.at(-1)?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    // The engine's snapshot was collected with read-only gets through the executor, scoped to shop.
    const gets = kubently.kubectl.invocations().filter((call) => call.argv[0] === 'get');
    expect(gets.length).toBeGreaterThan(0);
    expect(
      gets.every((call) =>
        call.argv.some((arg) => arg === '--namespace=shop' || arg === 'shop' || arg.startsWith('-o')),
      ),
    ).toBe(true);
  });
});

describe('A2A server with a real provider package (openai-compatible) against the fake provider server', () => {
  it('streams the tool call and the answer the provider sent, and sends the tool result back to it', async () => {
    const fake = await startFakeProvider([
      {
        toolCalls: [
          {
            id: 'p1',
            name: 'execute_kubectl',
            args: { args: ['get', 'pods', 'provider-pod', '-n', 'shop'] },
          },
        ],
      },
      { text: answer('provider-pod') },
    ]);
    const kubently = await startAgentKubently({
      config: {
        agent: parseAgentConfig({
          KUBENTLY_LLM_PROVIDER: 'openai-compatible',
          KUBENTLY_LLM_BASE_URL: fake.baseUrl,
          KUBENTLY_LLM_MODEL: 'fake-model',
          KUBENTLY_LLM_API_KEY: 'sk-test-provider-key',
        }),
      },
    });
    try {
      const client = await a2aClient(kubently.url);
      const seen = await collect(
        client.sendMessageStream(
          userMessage('why is provider-pod failing?', { clusterId: 'prod' }),
          withKey(agentKeys.admin),
        ),
      );
      expect(seen.find((item) => item.kubently?.['type'] === 'tool-call-finished')?.kubently).toMatchObject({
        tool: 'execute_kubectl',
        outcome: 'ok',
      });
      expect(seen.find((item) => item.kind === 'artifactUpdate')?.text).toBe(answer('provider-pod'));
      expect(seen.at(-1)?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(fake.requests).toHaveLength(2);
      expect(fake.requests[0]?.path).toBe('/v1/chat/completions');
      expect(fake.requests[0]?.headers['authorization']).toBe('Bearer sk-test-provider-key');
      // The second request carries the tool result: the executor's real output for the argv.
      expect(JSON.stringify(fake.requests[1]?.body)).toContain('provider-pod');
      expect(JSON.stringify(fake.requests[1]?.body)).toContain('TOOL_OUTPUT');
    } finally {
      await kubently.close();
      await fake.close();
    }
  });
});
