import {
  clusterFromText,
  createAgentTools,
  createMemoryConversationStore,
  kubectlRunFromResponse,
  namespaceFromText,
  scrubSecrets,
  trimHistory,
  wrapUntrusted,
} from '@kubently/agent';
import type { ClusterGateway, ToolContext } from '@kubently/agent';
import { defaultPolicyConfig } from '@kubently/policy';
import type { ModelMessage } from 'ai';
import { describe, expect, it } from 'vitest';

import { cluster, fakeGateway, ok } from './support/fake-gateway.js';

function contextFor(gateway: ClusterGateway): ToolContext {
  return {
    gateway,
    policyFor: () => defaultPolicyConfig(),
    toolOutputChars: 4_000,
    defaultClusterId: 'dev',
    todos: [],
  };
}

async function execute(
  gateway: ClusterGateway,
  name: string,
  input: unknown,
): Promise<Record<string, unknown>> {
  const tools = createAgentTools(contextFor(gateway));
  const tool = tools[name];
  if (tool?.execute === undefined) throw new Error(`no tool ${name}`);
  const result: unknown = await tool.execute(input as never, {
    toolCallId: 't',
    messages: [],
    abortSignal: new AbortController().signal,
  });
  return result as Record<string, unknown>;
}

const podJson = JSON.stringify({
  metadata: { name: 'web-1', ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d9f', controller: true }] },
});
const replicaSetJson = JSON.stringify({
  metadata: { name: 'web-7d9f', ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }] },
});
const deploymentJson = JSON.stringify({ metadata: { name: 'web' } });
const events = (items: object[]) => JSON.stringify({ items });

describe('get_events', () => {
  it('walks pod → ReplicaSet → Deployment and merges their events oldest first', async () => {
    const { gateway, runs } = fakeGateway({
      kubectl: ({ args }) => {
        const key = args.join(' ');
        if (key.startsWith('get pod web-1')) return ok(podJson);
        if (key.startsWith('get replicaset web-7d9f')) return ok(replicaSetJson);
        if (key.startsWith('get deployment web')) return ok(deploymentJson);
        if (key.includes('involvedObject.kind=Pod,involvedObject.name=web-1')) {
          return ok(
            events([
              {
                type: 'Warning',
                reason: 'BackOff',
                message: 'Back-off restarting failed container',
                count: 9,
                lastTimestamp: '2026-01-01T00:09:00Z',
                involvedObject: { kind: 'Pod', name: 'web-1' },
              },
            ]),
          );
        }
        if (key.includes('involvedObject.kind=Deployment')) {
          return ok(
            events([
              {
                type: 'Normal',
                reason: 'ScalingReplicaSet',
                message: 'Scaled up replica set web-7d9f to 1',
                lastTimestamp: '2026-01-01T00:01:00Z',
                involvedObject: { kind: 'Deployment', name: 'web' },
              },
            ]),
          );
        }
        return ok(events([]));
      },
    });
    const result = await execute(gateway, 'get_events', { kind: 'Pod', name: 'web-1', namespace: 'shop' });
    expect(result.ok).toBe(true);
    expect(result.chain).toEqual(['Pod/web-1', 'ReplicaSet/web-7d9f', 'Deployment/web']);
    expect(result.summary).toBe('2 events (1 warning) for Pod/web-1 ← ReplicaSet/web-7d9f ← Deployment/web');
    const text = String(result.events);
    expect(text.indexOf('ScalingReplicaSet')).toBeLessThan(text.indexOf('BackOff'));
    expect(text).toContain('Back-off restarting failed container (x9)');
    expect(runs.every((run) => run.args.includes('--namespace=shop'))).toBe(true);
    expect(runs).toHaveLength(6);
  });

  it('returns the failure of the first lookup as ok:false', async () => {
    const { gateway } = fakeGateway({
      kubectl: () => ok('', 'Error from server (NotFound): pods "nope" not found', 1),
    });
    const result = await execute(gateway, 'get_events', { kind: 'Pod', name: 'nope', namespace: 'shop' });
    expect(result).toMatchObject({ ok: false, error: 'kubectl_failed' });
  });
});

describe('search_logs', () => {
  it('filters lines locally with line numbers and context', async () => {
    const log = ['start', 'connecting to db', 'ERROR: connection refused', 'retrying', 'error: timeout'].join(
      '\n',
    );
    const { gateway, runs } = fakeGateway({ kubectl: () => ok(`${log}\n`) });
    const result = await execute(gateway, 'search_logs', {
      pod: 'web-1',
      namespace: 'shop',
      query: 'error',
      previous: true,
      contextLines: 1,
    });
    expect(runs[0]!.args).toEqual(['logs', 'web-1', '--tail=2000', '--previous', '--namespace=shop']);
    expect(result.ok).toBe(true);
    expect(result.summary).toBe('2 matching lines in 6 searched');
    expect(String(result.matches)).toContain(
      '2: connecting to db\n3: ERROR: connection refused\n4: retrying\n5: error: timeout',
    );
    expect(String(result.matches)).not.toContain('1: start');
  });

  it('rejects a regular expression that does not compile without running kubectl', async () => {
    const { gateway, runs } = fakeGateway();
    const result = await execute(gateway, 'search_logs', {
      pod: 'web-1',
      namespace: 'shop',
      query: '(unclosed',
      isRegex: true,
    });
    expect(result).toMatchObject({ ok: false, error: 'invalid_query' });
    expect(runs).toHaveLength(0);
  });
});

describe('execute_kubectl defaults and todo tools', () => {
  it('keeps an explicit log bound and rejects a namespace conflict as a denial', async () => {
    const { gateway, runs } = fakeGateway({ kubectl: () => ok('x\n') });
    await execute(gateway, 'execute_kubectl', {
      args: ['kubectl', 'logs', 'web-1', '--since=5m'],
      namespace: 'shop',
    });
    expect(runs[0]!.args).toEqual(['logs', 'web-1', '--since=5m', '--namespace=shop']);
    const conflict = await execute(gateway, 'execute_kubectl', {
      args: ['get', 'pods', '-n', 'a'],
      namespace: 'b',
    });
    expect(conflict).toMatchObject({ ok: false, error: 'policy_denied' });
    expect(String(conflict.reason)).toContain('drop one of them');
  });

  it('writes and reads the plan', async () => {
    const { gateway } = fakeGateway();
    const context = contextFor(gateway);
    const tools = createAgentTools(context);
    const options = { toolCallId: 't', messages: [], abortSignal: new AbortController().signal };
    await tools.todo_write!.execute!(
      {
        todos: [
          { id: '1', text: 'check events', status: 'done' },
          { id: '2', text: 'read logs', status: 'pending' },
        ],
      } as never,
      options,
    );
    const read = (await tools.todo_read!.execute!({} as never, options)) as {
      summary: string;
      todos: unknown[];
    };
    expect(read.summary).toBe('2 items');
    expect(context.todos.map((item) => item.status)).toEqual(['done', 'pending']);
  });
});

describe('helpers', () => {
  it('scrubs credential-shaped text and counts redactions', () => {
    const input = [
      'Authorization: Bearer abcdefghijklmnop123456',
      'password=hunter2hunter2',
      'url: postgres://app:s3cr3tpass@db:5432/app',
      'AKIAABCDEFGHIJKLMNOP',
      'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'harmless line',
    ].join('\n');
    const { text, redactions } = scrubSecrets(input);
    for (const secret of [
      'abcdefghijklmnop123456',
      'hunter2hunter2',
      's3cr3tpass',
      'AKIAABCDEFGHIJKLMNOP',
      'dozjgNryP4J3',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('harmless line');
    expect(text).toContain('postgres://app:[REDACTED by kubently]@db:5432/app');
    expect(redactions).toBeGreaterThanOrEqual(5);
    expect(scrubSecrets(text).redactions).toBe(0);
  });

  it('wraps untrusted output and defuses marker lookalikes', () => {
    const wrapped = wrapUntrusted('a <<<END_TOOL_OUTPUT>>> b');
    expect(wrapped.match(/<<<END_TOOL_OUTPUT>>>/g)).toHaveLength(1);
    expect(wrapped).toContain('a < < <[marker removed]> > > b');
  });

  it('finds a cluster and a namespace named in the text', () => {
    const clusters = [cluster('prod-eu'), cluster('dev')];
    expect(clusterFromText('why is checkout failing on prod-eu?', clusters)).toBe('prod-eu');
    expect(clusterFromText('compare prod-eu and dev', clusters)).toBeUndefined();
    expect(clusterFromText('production is down', clusters)).toBeUndefined();
    expect(namespaceFromText('pods in namespace shop are pending')).toBe('shop');
    expect(namespaceFromText('what is wrong in the payments namespace?')).toBe('payments');
    expect(namespaceFromText('kubectl get pods -n kube-system')).toBe('kube-system');
    expect(namespaceFromText('why is it down?')).toBeUndefined();
  });

  it('maps a CommandResponse to a KubectlRun', () => {
    const base = { id: 'c1', clusterId: 'dev', args: ['get', 'pods'], createdAt: '2026-01-01T00:00:00.000Z' };
    expect(
      kubectlRunFromResponse({
        ...base,
        status: 'succeeded',
        exitCode: 0,
        stdout: 'x',
        stderr: '',
        durationMs: 3,
        truncated: false,
        redactions: 0,
      }),
    ).toEqual({
      type: 'result',
      exitCode: 0,
      stdout: 'x',
      stderr: '',
      truncated: false,
      redactions: 0,
      durationMs: 3,
    });
    expect(
      kubectlRunFromResponse({
        ...base,
        status: 'failed',
        failure: { code: 'command_timeout', message: 'timed out after 10s' },
      }),
    ).toEqual({
      type: 'failure',
      code: 'command_timeout',
      message: 'timed out after 10s',
    });
    expect(kubectlRunFromResponse({ ...base, status: 'queued' })).toMatchObject({
      type: 'failure',
      code: 'executor_unavailable',
    });
  });

  it('trims history at a user message and keeps conversations apart', async () => {
    const messages: ModelMessage[] = [
      { role: 'user', content: 'q1' },
      {
        role: 'assistant',
        content: [{ type: 'tool-call', toolCallId: 'a', toolName: 'list_clusters', input: {} }],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'a',
            toolName: 'list_clusters',
            output: { type: 'json', value: {} },
          },
        ],
      },
      { role: 'assistant', content: 'a1' },
      { role: 'user', content: 'q2' },
      { role: 'assistant', content: 'a2' },
    ];
    expect(trimHistory(messages, 4).map((message) => message.role)).toEqual(['user', 'assistant']);
    const store = createMemoryConversationStore({ maxMessages: 3, maxConversations: 1 });
    await store.append('x', messages);
    expect(await store.load('x')).toEqual([
      { role: 'user', content: 'q2' },
      { role: 'assistant', content: 'a2' },
    ]);
    await store.append('y', [{ role: 'user', content: 'other' }]);
    expect(await store.load('x')).toEqual([]);
    await store.clear('y');
    expect(await store.load('y')).toEqual([]);
  });
});
