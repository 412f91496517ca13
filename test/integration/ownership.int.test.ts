import { randomBytes, randomUUID } from 'node:crypto';

import { TaskState } from '@a2a-js/sdk';
import type { StreamResponse, Task } from '@a2a-js/sdk';
import type { Client as A2aClient } from '@a2a-js/sdk/client';
import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { Client as McpClient, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { CallToolResult } from '@modelcontextprotocol/client';
import { MockLanguageModelV3, convertArrayToReadableStream } from 'ai/test';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { errorBodySchema, sessionSchema } from '@kubently/protocol';
import { createConfig, start } from '@kubently/server';
import type { RunningServer } from '@kubently/server';

import { a2aClient, userMessage, withKey } from './support/a2a-client.js';
import { Api } from './support/kubently.js';

const key = (name: string): string => `${name}-${randomBytes(16).toString('hex')}`;
const people = {
  alice: { key: key('alice'), role: 'operator' },
  bob: { key: key('bob'), role: 'operator' },
  carol: { key: key('carol'), role: 'viewer' },
  root: { key: key('root'), role: 'admin' },
} as const;
type Person = keyof typeof people;

/**
 * What a caller got for someone's id: `seen` (the surface did it), or the answer normalised by
 * putting `<id>` for the id, so it can be compared with the answer for an id that never existed.
 */
type Outcome = 'seen' | `hidden: ${string}`;

const hidden = (text: string, id: string): Outcome => `hidden: ${text.split(id).join('<id>')}`;

/** A language model that answers only once the test opens its gate (so an A2A task stays running). */
const gatedModel = () => {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const prompts: LanguageModelV3CallOptions['prompt'][] = [];
  const model = new MockLanguageModelV3({
    provider: 'scripted',
    modelId: 'gated-1',
    doStream: async (options) => {
      prompts.push(options.prompt);
      await Promise.race([
        gate,
        new Promise<void>((resolve) => {
          options.abortSignal?.addEventListener('abort', () => {
            resolve();
          });
        }),
      ]);
      const parts: LanguageModelV3StreamPart[] = [
        { type: 'stream-start', warnings: [] },
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: 'All good.' },
        { type: 'text-end', id: 't' },
        {
          type: 'finish',
          finishReason: { unified: 'stop', raw: undefined },
          usage: {
            inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
            outputTokens: { total: 2, text: 2, reasoning: 0 },
          },
        },
      ];
      return { stream: convertArrayToReadableStream(parts) };
    },
  });
  return {
    model,
    prompts,
    open: () => {
      open();
    },
  };
};

const promptText = (prompt: LanguageModelV3CallOptions['prompt']): string => JSON.stringify(prompt);

/**
 * Item 7 of issue #11: sessions, commands and A2A tasks belong to the identity that created them.
 * One table over every surface (REST, seed aliases, MCP through the real SDK client, A2A through
 * the real SDK client), each row asked by the owner, another operator, a viewer and an admin, and
 * compared with the answer for an id that never existed: a non-owner must not learn it exists.
 */
describe('callers see only what is theirs, on every surface', { timeout: 60_000 }, () => {
  const gated = gatedModel();
  let server: RunningServer;
  let a2a: A2aClient;
  const mcpClients: McpClient[] = [];
  const api = (who: Person): Api => new Api(server.url, people[who].key);
  /** Alice's running A2A task (the gated model holds it in WORKING). */
  let aliceTask: Task;
  let aliceStream: AsyncGenerator<StreamResponse>;
  /** A command of Alice's (queued, then ended by the executor grace; readable either way). */
  let aliceCommandId: string;

  const aliceSession = async (): Promise<string> => {
    const answer = await api('alice').post('/v1/sessions', { clusterId: 'prod', ttlSeconds: 600 });
    if (answer.status !== 201) throw new Error(`session: ${answer.status} ${JSON.stringify(answer.body)}`);
    return sessionSchema.parse(answer.body).id;
  };

  const mcp = async (who: Person): Promise<McpClient> => {
    const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: { headers: { 'x-api-key': people[who].key } },
    });
    const client = new McpClient({ name: 'ownership-test', version: '1.0.0' });
    await client.connect(transport);
    mcpClients.push(client);
    return client;
  };

  const toolOutcome = (result: CallToolResult, id: string): Outcome => {
    // A command that failed is still an answer about it (structured); a refusal is only text.
    if (result.structuredContent !== undefined) return 'seen';
    return hidden(result.content.map((block) => (block.type === 'text' ? block.text : '')).join(''), id);
  };

  const restOutcome = (answer: { status: number; body: unknown }, id: string): Outcome => {
    if (answer.status < 400 || answer.status === 503) return 'seen';
    const { error } = errorBodySchema.parse(answer.body);
    return hidden(`${answer.status} ${error.code}: ${error.message}`, id);
  };

  const a2aOutcome = async (work: () => Promise<unknown>, id: string): Promise<Outcome> => {
    try {
      await work();
      return 'seen';
    } catch (error) {
      return hidden(error instanceof Error ? error.message : String(error), id);
    }
  };

  beforeAll(async () => {
    server = await start(
      createConfig({
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
        // No executor: a command waits this long, then ends executor_unavailable (its record stays).
        executorGraceMs: 300,
        apiKeys: Object.entries(people).map(([identity, { key: value, role }]) => ({
          identity,
          key: value,
          role,
        })),
      }),
      { logger: pino({ level: 'silent' }), model: gated.model },
    );
    await api('root').addCluster('prod');
    const queued = await api('alice').post('/v1/commands?wait=false', {
      clusterId: 'prod',
      args: ['get', 'pods'],
    });
    aliceCommandId = (queued.body as { id: string }).id;
    a2a = await a2aClient(server.url);
    aliceStream = a2a.sendMessageStream(
      userMessage('is prod healthy?', {}, 'alice-ctx'),
      withKey(people.alice.key),
    );
    const first: IteratorResult<StreamResponse> = await aliceStream.next();
    const payload = first.done === true ? undefined : first.value.payload;
    if (payload?.$case !== 'task') throw new Error('expected the task first');
    aliceTask = payload.value;
  });

  afterAll(async () => {
    gated.open();
    await Promise.all(mcpClients.splice(0).map((client) => client.close()));
    await server.close();
  });

  /**
   * Each row acts on `id` as `who`; `mine` makes a fresh resource of Alice's when the action
   * changes it (close, run), else returns the shared one.
   */
  interface Row {
    readonly surface: string;
    readonly mine: () => Promise<string>;
    readonly act: (who: Person, id: string) => Promise<Outcome>;
    /** Who besides Alice may see it (admins, except for A2A tasks, which are private to their owner). */
    readonly alsoSeenBy: readonly Person[];
    /** Who may not even try (their role lacks the permission): not an ownership question. */
    readonly skip?: readonly Person[];
  }

  const task = (): Promise<string> => Promise.resolve(aliceTask.id);
  const listRequest = {
    tenant: '',
    contextId: '',
    status: TaskState.TASK_STATE_UNSPECIFIED,
    pageToken: '',
    statusTimestampAfter: undefined,
    includeArtifacts: false,
  };

  const rows: readonly Row[] = [
    {
      surface: 'REST GET /v1/sessions/:id',
      mine: aliceSession,
      act: async (who, id) => restOutcome(await api(who).get(`/v1/sessions/${id}`), id),
      alsoSeenBy: ['root'],
    },
    {
      surface: 'REST DELETE /v1/sessions/:id',
      mine: aliceSession,
      act: async (who, id) => restOutcome(await api(who).delete(`/v1/sessions/${id}`), id),
      alsoSeenBy: ['root'],
      skip: ['carol'],
    },
    {
      surface: 'REST GET /v1/commands/:id',
      mine: () => Promise.resolve(aliceCommandId),
      act: async (who, id) => restOutcome(await api(who).get(`/v1/commands/${id}`), id),
      alsoSeenBy: ['root'],
    },
    {
      surface: 'REST POST /v1/commands {sessionId}',
      mine: aliceSession,
      act: async (who, id) =>
        restOutcome(
          await api(who).post('/v1/commands?wait=false', {
            clusterId: 'prod',
            args: ['get', 'pods'],
            sessionId: id,
          }),
          id,
        ),
      alsoSeenBy: ['root'],
      skip: ['carol'],
    },
    {
      surface: 'seed POST /debug/execute {session_id}',
      mine: aliceSession,
      act: async (who, id) =>
        restOutcome(
          await api(who).post('/debug/execute', {
            cluster_id: 'prod',
            command_type: 'get',
            args: ['pods'],
            session_id: id,
          }),
          id,
        ),
      alsoSeenBy: ['root'],
      skip: ['carol'],
    },
    {
      surface: 'MCP get_command_result',
      mine: () => Promise.resolve(aliceCommandId),
      act: async (who, id) =>
        toolOutcome(
          await (await mcp(who)).callTool({ name: 'get_command_result', arguments: { commandId: id } }),
          id,
        ),
      alsoSeenBy: ['root'],
    },
    {
      surface: 'MCP close_session',
      mine: aliceSession,
      act: async (who, id) =>
        toolOutcome(
          await (await mcp(who)).callTool({ name: 'close_session', arguments: { sessionId: id } }),
          id,
        ),
      alsoSeenBy: ['root'],
      skip: ['carol'],
    },
    {
      surface: 'MCP execute_kubectl {sessionId}',
      mine: aliceSession,
      act: async (who, id) =>
        toolOutcome(
          await (
            await mcp(who)
          ).callTool({
            name: 'execute_kubectl',
            arguments: { clusterId: 'prod', args: ['get', 'pods'], sessionId: id, wait: false },
          }),
          id,
        ),
      alsoSeenBy: ['root'],
      skip: ['carol'],
    },
    {
      surface: 'A2A GetTask',
      mine: task,
      act: (who, id) =>
        a2aOutcome(
          () => a2a.getTask({ tenant: '', id, historyLength: undefined }, withKey(people[who].key)),
          id,
        ),
      alsoSeenBy: [],
    },
    {
      surface: 'A2A ListTasks',
      mine: task,
      act: async (who, id) => {
        const listed = await a2a.listTasks(listRequest, withKey(people[who].key));
        return listed.tasks.some((entry) => entry.id === id) ? 'seen' : 'hidden: not listed';
      },
      alsoSeenBy: [],
    },
    {
      surface: 'A2A SubscribeToTask',
      mine: task,
      act: (who, id) =>
        a2aOutcome(async () => {
          const stream = a2a.resubscribeTask({ tenant: '', id }, withKey(people[who].key));
          await stream.next();
          await stream.return(undefined);
        }, id),
      alsoSeenBy: [],
    },
    {
      // Last: the owner's CancelTask ends Alice's task.
      surface: 'A2A CancelTask',
      mine: task,
      act: (who, id) =>
        a2aOutcome(
          () => a2a.cancelTask({ tenant: '', id, metadata: undefined }, withKey(people[who].key)),
          id,
        ),
      alsoSeenBy: [],
      skip: ['carol'],
    },
  ];

  it.each(rows.map((row) => [row.surface, row] as const))('%s', async (_surface, row) => {
    const askers = (['bob', 'carol', 'root', 'alice'] as const).filter(
      (who) => !(row.skip ?? []).includes(who),
    );
    for (const who of askers) {
      const id = await row.mine();
      const outcome = await row.act(who, id);
      if (who === 'alice' || row.alsoSeenBy.includes(who)) {
        expect(outcome, `${who} on ${row.surface}`).toBe('seen');
        continue;
      }
      const unknown = randomUUID();
      const never = await row.act(who, unknown);
      expect(outcome, `${who} on ${row.surface}`).not.toBe('seen');
      expect(outcome, `${who} on ${row.surface}: same answer as an id that never existed`).toBe(never);
    }
  });

  it("Alice's session and task survived everyone else's attempts; a shared contextId shares no history", async () => {
    // Bob closing Alice's session changed nothing: she still reads it.
    const session = await aliceSession();
    await api('bob').delete(`/v1/sessions/${session}`);
    expect((await api('alice').get(`/v1/sessions/${session}`)).status).toBe(200);

    gated.open();
    // Alice's first task ended when she cancelled it: its stream has nothing more.
    while ((await aliceStream.next()).done !== true);
    await a2a.sendMessage(
      userMessage('alice secret: the db password rotated', {}, 'alice-ctx'),
      withKey(people.alice.key),
    );
    const before = gated.prompts.length;
    await a2a.sendMessage(userMessage('what did we talk about?', {}, 'alice-ctx'), withKey(people.bob.key));
    const bobPrompt = promptText(gated.prompts[before] ?? []);
    expect(bobPrompt).toContain('what did we talk about?');
    expect(bobPrompt).not.toContain('alice secret');
    const aliceAgain = gated.prompts.length;
    await a2a.sendMessage(userMessage('and now?', {}, 'alice-ctx'), withKey(people.alice.key));
    expect(promptText(gated.prompts[aliceAgain] ?? [])).toContain('alice secret');
    const bobsTasks = await a2a.listTasks(
      { ...listRequest, contextId: 'alice-ctx' },
      withKey(people.bob.key),
    );
    expect(bobsTasks.tasks).toHaveLength(1);
  });
});
