import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Client as A2aClient, RequestOptions } from '@a2a-js/sdk/client';
import { Client as McpClient, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildExecutorConfig, start as startExecutor } from '@kubently/executor';
import type { RunningExecutor } from '@kubently/executor';
import { auditListSchema, clusterListSchema, issuedKeySchema } from '@kubently/protocol';
import { createConfig, start } from '@kubently/server';
import type { RunningServer } from '@kubently/server';

import { createFakeKubectl } from '../fixtures/fake-kubectl.js';
import { a2aClient, answerOf, userMessage } from './support/a2a-client.js';
import { eventually } from './support/processes.js';

/**
 * Issue #14 items 1-2: a key scoped to cluster `alpha` can never run, read, diagnose, chat about or
 * even list cluster `bravo`, on any surface. One table over REST, the seed routes, MCP (real SDK
 * client), A2A (real SDK client); each row is asked about `alpha` (in scope), `bravo` (registered,
 * out of scope) and `ghost` (never registered). For a scoped key, `bravo` must be answered exactly
 * like `ghost`, and `alpha` differently (the row works); the unscoped admin's `bravo` answer must
 * differ from `ghost` (the row can tell). One scoped key speaks X-API-Key, the other Bearer.
 */

type Target = 'alpha' | 'bravo' | 'ghost';
type Who = 'root' | 'scopedOperator' | 'scopedAdmin';
const clusterOf: Record<Target, string> = {
  alpha: 'scope-alpha',
  bravo: 'scope-bravo',
  ghost: 'scope-ghost',
};
const rootKey = `root-${randomBytes(16).toString('hex')}`;

/** Ids, times and durations vary between asks; the cluster id is the variable under test. */
const normalise = (text: string, ...variables: string[]): string => {
  let out = text;
  for (const variable of variables) out = out.split(variable).join('<x>');
  return out
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>')
    .replace(/\d+(\.\d+)? ?ms/g, '<ms>');
};

describe('a cluster-scoped key sees only its clusters, on every surface', { timeout: 120_000 }, () => {
  let server: RunningServer;
  const executors: RunningExecutor[] = [];
  const mcpClients: McpClient[] = [];
  let a2a: A2aClient;
  const keys: Record<Who, string> = { root: rootKey, scopedOperator: '', scopedAdmin: '' };
  /** The scoped admin sends Bearer, the others X-API-Key: both must behave the same. */
  const headersOf = (who: Who): Record<string, string> =>
    who === 'scopedAdmin' ? { authorization: `Bearer ${keys[who]}` } : { 'x-api-key': keys[who] };

  const rest = async (who: Who, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...headersOf(who), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, text, json: (): unknown => JSON.parse(text) };
  };
  const restOutcome = async (who: Who, method: string, path: string, body: unknown, ...vars: string[]) => {
    const answer = await rest(who, method, path, body);
    // A success is "seen"; a failure's code and message are what a caller learns.
    return answer.status < 300
      ? `seen ${answer.status}`
      : normalise(`${answer.status} ${answer.text}`, ...vars);
  };

  const mcp = async (who: Who): Promise<McpClient> => {
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: { headers: headersOf(who) },
    });
    const client = new McpClient({ name: 'key-scope-test', version: '1.0.0' });
    await client.connect(transport);
    mcpClients.push(client);
    return client;
  };
  const toolOutcome = async (who: Who, name: string, args: Record<string, unknown>, ...vars: string[]) => {
    const result = await (await mcp(who)).callTool({ name, arguments: args });
    if (result.isError !== true && result.structuredContent !== undefined) return 'seen';
    return normalise(
      result.content.map((block) => (block.type === 'text' ? block.text : '')).join(''),
      ...vars,
    );
  };
  const a2aOptions = (who: Who): RequestOptions => ({
    serviceParameters:
      who === 'scopedAdmin' ? { Authorization: `Bearer ${keys[who]}` } : { 'X-API-Key': keys[who] },
  });

  /** Root's session and command on a cluster (a random id for `ghost`), for the rows that read them. */
  const rootSession = async (target: Target): Promise<string> => {
    if (target === 'ghost') return randomUUID();
    return (
      (await rest('root', 'POST', '/v1/sessions', { clusterId: clusterOf[target] })).json() as { id: string }
    ).id;
  };
  const rootCommand = async (target: Target): Promise<string> => {
    if (target === 'ghost') return randomUUID();
    const answer = await rest('root', 'POST', '/v1/commands', {
      clusterId: clusterOf[target],
      args: ['get', 'pods'],
    });
    return (answer.json() as { id: string }).id;
  };

  beforeAll(async () => {
    server = await start(
      createConfig({
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
        apiKeys: [{ identity: 'root', key: rootKey, role: 'admin' }],
      }),
      { logger: pino({ level: 'silent' }), model: null },
    );
    const kubectl = createFakeKubectl('fake-kubectl-lists.mjs');
    const home = mkdtempSync(join(tmpdir(), 'kubently-key-scope-'));
    for (const target of ['alpha', 'bravo'] as const) {
      const created = await rest('root', 'POST', '/v1/clusters', { id: clusterOf[target] });
      const { token } = created.json() as { token: string };
      executors.push(
        await startExecutor(
          buildExecutorConfig(
            {
              apiUrl: server.url,
              clusterId: clusterOf[target],
              token,
              kubectl: kubectl.path,
              logLevel: 'silent',
            },
            { PATH: process.env['PATH'] ?? '', HOME: home },
          ),
        ),
      );
    }
    await eventually(async () => {
      const listed = clusterListSchema.parse((await rest('root', 'GET', '/v1/clusters')).json());
      return listed.clusters.filter((cluster) => cluster.connected).length === 2 ? true : undefined;
    });
    for (const [who, role] of [
      ['scopedOperator', 'operator'],
      ['scopedAdmin', 'admin'],
    ] as const) {
      const issued = await rest('root', 'POST', '/v1/keys', {
        identity: who,
        role,
        clusters: [clusterOf.alpha],
      });
      expect(issued.status).toBe(201);
      keys[who] = issuedKeySchema.parse(issued.json()).key;
    }
    a2a = await a2aClient(server.url);
  });

  afterAll(async () => {
    await Promise.all(mcpClients.splice(0).map((client) => client.close()));
    await Promise.all(executors.map((executor) => executor.close()));
    await server.close();
  });

  interface Row {
    readonly surface: string;
    readonly act: (who: Who, target: Target) => Promise<string>;
    /** Scoped keys whose role may use the row at all (default both). */
    readonly scoped?: readonly Who[];
  }

  const listed = (present: boolean): string => (present ? 'listed' : 'not listed');

  const rows: readonly Row[] = [
    {
      surface: 'REST GET /v1/clusters',
      act: async (who, target) => {
        const body = clusterListSchema.parse((await rest(who, 'GET', '/v1/clusters')).json());
        return listed(body.clusters.some((cluster) => cluster.id === clusterOf[target]));
      },
    },
    {
      surface: 'REST GET /v1/clusters/:id',
      act: (who, target) =>
        restOutcome(who, 'GET', `/v1/clusters/${clusterOf[target]}`, undefined, clusterOf[target]),
    },
    {
      surface: 'REST POST /v1/sessions',
      act: (who, target) =>
        restOutcome(who, 'POST', '/v1/sessions', { clusterId: clusterOf[target] }, clusterOf[target]),
    },
    {
      surface: 'REST POST /v1/commands',
      act: (who, target) =>
        restOutcome(
          who,
          'POST',
          '/v1/commands',
          { clusterId: clusterOf[target], args: ['get', 'pods'] },
          clusterOf[target],
        ),
    },
    {
      surface: 'REST POST /v1/clusters/:id/diagnose',
      act: (who, target) =>
        restOutcome(who, 'POST', `/v1/clusters/${clusterOf[target]}/diagnose`, {}, clusterOf[target]),
    },
    {
      surface: "REST GET /v1/commands/:id (root's command)",
      act: async (who, target) => {
        const id = await rootCommand(target);
        return restOutcome(who, 'GET', `/v1/commands/${id}`, undefined, id);
      },
      scoped: ['scopedAdmin'],
    },
    {
      surface: "REST GET /v1/sessions/:id (root's session)",
      act: async (who, target) => {
        const id = await rootSession(target);
        return restOutcome(who, 'GET', `/v1/sessions/${id}`, undefined, id);
      },
      scoped: ['scopedAdmin'],
    },
    {
      surface: 'REST GET /v1/audit?clusterId=',
      act: async (who, target) => {
        await rootCommand(target);
        const body = auditListSchema.parse(
          (await rest(who, 'GET', `/v1/audit?clusterId=${clusterOf[target]}`)).json(),
        );
        return listed(body.records.length > 0);
      },
      scoped: ['scopedAdmin'],
    },
    {
      surface: 'REST GET /v1/audit (everything the key may read)',
      act: async (who, target) => {
        await rootCommand(target);
        const body = auditListSchema.parse((await rest(who, 'GET', '/v1/audit?limit=1000')).json());
        return listed(body.records.some((record) => record.clusterId === clusterOf[target]));
      },
      scoped: ['scopedAdmin'],
    },
    {
      surface: 'REST POST /v1/clusters/:id/token',
      act: async (who, target) => {
        const answer = await restOutcome(
          who,
          'POST',
          `/v1/clusters/${clusterOf[target]}/token`,
          undefined,
          clusterOf[target],
        );
        return answer;
      },
      scoped: ['scopedAdmin'],
    },
    {
      surface: 'seed POST /debug/session',
      act: (who, target) =>
        restOutcome(who, 'POST', '/debug/session', { cluster_id: clusterOf[target] }, clusterOf[target]),
    },
    {
      surface: 'seed POST /debug/execute',
      act: (who, target) =>
        restOutcome(
          who,
          'POST',
          '/debug/execute',
          { cluster_id: clusterOf[target], command_type: 'get', args: ['pods'] },
          clusterOf[target],
        ),
    },
    {
      surface: 'MCP list_clusters',
      act: async (who, target) => {
        const result = await (await mcp(who)).callTool({ name: 'list_clusters', arguments: {} });
        return listed(JSON.stringify(result).includes(clusterOf[target]));
      },
    },
    {
      surface: 'MCP execute_kubectl',
      act: (who, target) =>
        toolOutcome(
          who,
          'execute_kubectl',
          { clusterId: clusterOf[target], args: ['get', 'pods'] },
          clusterOf[target],
        ),
    },
    {
      surface: 'MCP create_debug_session',
      act: (who, target) =>
        toolOutcome(who, 'create_debug_session', { clusterId: clusterOf[target] }, clusterOf[target]),
    },
    {
      surface: 'MCP diagnose_cluster',
      act: (who, target) =>
        toolOutcome(who, 'diagnose_cluster', { clusterId: clusterOf[target] }, clusterOf[target]),
    },
    {
      surface: 'MCP ask_kubently',
      act: (who, target) =>
        toolOutcome(
          who,
          'ask_kubently',
          { question: 'anything wrong?', clusterId: clusterOf[target] },
          clusterOf[target],
        ),
    },
    {
      surface: "MCP get_command_result (root's command)",
      act: async (who, target) => {
        const id = await rootCommand(target);
        return toolOutcome(who, 'get_command_result', { commandId: id }, id);
      },
      scoped: ['scopedAdmin'],
    },
    {
      surface: 'A2A GetExtendedAgentCard',
      act: async (who, target) => {
        // The SDK fetches the extended card itself when the public card advertises one; a fresh client each time.
        const card = await (await a2aClient(server.url)).getAgentCard(a2aOptions(who));
        return listed(JSON.stringify(card).includes(clusterOf[target]));
      },
    },
    {
      surface: 'A2A SendMessage naming the cluster',
      act: async (who, target) => {
        const answer = await a2a.sendMessage(
          userMessage('anything wrong?', { clusterId: clusterOf[target] }),
          a2aOptions(who),
        );
        if (!('id' in answer) || !('history' in answer)) return 'a message';
        const task = answer;
        const said = task.status?.message?.parts.map((part) =>
          part.content?.$case === 'text' ? part.content.value : '',
        );
        return normalise(
          `state ${task.status?.state} ${said?.join('') ?? ''} ${answerOf(task) === '' ? '' : 'answered'}`,
          clusterOf[target],
        );
      },
    },
  ];

  it.each(rows.map((row) => [row.surface, row] as const))('%s', async (_surface, row) => {
    const rootBravo = await row.act('root', 'bravo');
    const rootGhost = await row.act('root', 'ghost');
    expect(rootBravo, 'the unscoped admin can tell bravo exists (the row can fail)').not.toBe(rootGhost);
    for (const who of row.scoped ?? (['scopedOperator', 'scopedAdmin'] as const)) {
      const alpha = await row.act(who, 'alpha');
      const bravo = await row.act(who, 'bravo');
      const ghost = await row.act(who, 'ghost');
      expect(alpha, `${who}: alpha (in scope) works`).not.toBe(ghost);
      expect(bravo, `${who}: bravo answers exactly like a cluster that does not exist`).toBe(ghost);
    }
  });

  it('no API key acts as an executor, and no cluster token acts as an API key', async () => {
    for (const key of [rootKey, keys.scopedOperator, keys.scopedAdmin]) {
      const stream = await fetch(`${server.url}/v1/executor/commands?wait=0`, {
        headers: { authorization: `Bearer ${key}`, 'x-executor-id': 'impostor' },
      });
      expect(stream.status).toBe(401);
    }
    const rotated = await rest('root', 'POST', `/v1/clusters/${clusterOf.bravo}/token`);
    const { token } = rotated.json() as { token: string };
    for (const headers of [{ 'x-api-key': token }, { authorization: `Bearer ${token}` }]) {
      expect((await fetch(`${server.url}/v1/clusters`, { headers })).status).toBe(401);
    }
  });

  it('a scoped admin may not manage keys or register clusters outside its scope', async () => {
    const minted = await rest('scopedAdmin', 'POST', '/v1/keys', { identity: 'wider', role: 'admin' });
    expect(minted.status).toBe(403);
    expect(minted.text).toContain('without a cluster scope');
    expect((await rest('scopedAdmin', 'GET', '/v1/keys')).status).toBe(403);
    const registered = await rest('scopedAdmin', 'POST', '/v1/clusters', { id: 'scope-charlie' });
    expect(registered.status).toBe(403);
    expect((await rest('root', 'GET', '/v1/clusters/scope-charlie')).status).toBe(404);
  });
});
