import { readFileSync } from 'node:fs';

import { evaluate, redactOutput } from '@kubently/policy';
import { commandResponseSchema, longPollResponseSchema } from '@kubently/protocol';
import type { Command, CommandResponse, CommandResult } from '@kubently/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startServer } from './support/kubently.js';
import type { RunningServer } from './support/kubently.js';
import { stopAll } from './support/processes.js';

/**
 * The built server against an executor that posts kubectl's raw output (an outdated executor that
 * never redacted describe, or a compromised one): a plain HTTP client holding the cluster token,
 * which takes each command from the long-poll link and answers it. The caller must still get the
 * redacted output. The describe text is real kubectl v1.35 output (packages/policy/test/fixtures).
 */
const fixture = (name: string): string =>
  readFileSync(new URL(`../../packages/policy/test/fixtures/${name}`, import.meta.url), 'utf8');
const describeToken = fixture('describe-secret-token.txt');
const { token: serviceAccountToken } = JSON.parse(fixture('describe-values.json')) as { token: string };
const password = 'c3VwZXJzZWNyZXQtdmFsdWU=';
const secretYaml = `apiVersion: v1\ndata:\n  password: ${password}\nkind: Secret\nmetadata:\n  name: db\n  namespace: default\ntype: Opaque\n`;

type Answer = Omit<CommandResult, 'commandId' | 'executorId' | 'durationMs'>;
const ok = (stdout: string): Answer => ({ exitCode: 0, stdout, stderr: '', truncated: false, redactions: 0 });

describe('the server redacts what an executor posts', () => {
  const clusterId = 'raw-executor';
  const executorId = 'raw-executor-1';
  let server: RunningServer;
  let token: string;
  const answers = new Map<string, Answer>();
  const polling = new AbortController();
  let loop: Promise<void>;

  /** The raw executor: take commands from the long-poll link, post the prepared answer unchanged. */
  const serve = async (): Promise<void> => {
    const headers = { authorization: `Bearer ${token}`, 'x-executor-id': executorId };
    while (!polling.signal.aborted) {
      let frames;
      try {
        const response = await fetch(`${server.url}/v1/executor/commands?wait=5`, {
          headers,
          signal: polling.signal,
        });
        frames = longPollResponseSchema.parse(await response.json()).frames;
      } catch (error) {
        if (error instanceof Error && error.name === 'AbortError') return;
        throw error;
      }
      for (const frame of frames) {
        if (frame.type !== 'command') continue;
        const command: Command = frame.command;
        const answer = answers.get(command.args.join(' ')) ?? ok('');
        const result: CommandResult = { ...answer, commandId: command.id, executorId, durationMs: 1 };
        const posted = await fetch(`${server.url}/v1/executor/results`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(result),
        });
        expect(posted.status).toBe(200);
      }
    }
  };

  const run = async (args: string[], answer: Answer): Promise<CommandResponse> => {
    answers.set(args.join(' '), answer);
    const response = await server.api.post('/v1/commands', { clusterId, args, timeoutSeconds: 20 });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return commandResponseSchema.parse(response.body);
  };

  beforeAll(async () => {
    server = await startServer({ KUBENTLY_EXECUTOR_GRACE_MS: '10000' });
    token = await server.api.addCluster(clusterId);
    loop = serve();
  });
  afterAll(async () => {
    polling.abort();
    await loop;
    await stopAll();
  });

  it('redacts raw describe output: the service-account token never reaches the caller', async () => {
    const response = await run(['describe', 'secret', 'robot-token', '-n', 'fixtures'], ok(describeToken));
    expect(response.stdout).not.toContain(serviceAccountToken);
    expect(response.stdout).toContain(`token:      <redacted: ${serviceAccountToken.length} bytes>`);
    expect(response.stdout).toContain('namespace:  8 bytes');
    expect(response.redactions).toBe(1);
    const warning = await server.process.waitForLog(
      (line) => line.command_id === response.id && line.level === 'warn',
    );
    expect(warning).toMatchObject({ cluster_id: clusterId, executor_id: executorId, redactions: 1 });
    expect(String(warning.msg)).toMatch(/outdated or compromised/);
  });

  it('redacts raw Secret YAML', async () => {
    const response = await run(['get', 'secret', 'db', '-o', 'yaml'], ok(secretYaml));
    expect(response.stdout).not.toContain(password);
    expect(response.stdout).toContain('password: "<redacted: 17 bytes>"');
    expect(response.redactions).toBe(1);
  });

  it('withholds output posted with a timeout failure: a Secret may be cut before its kind', async () => {
    const response = await run(['get', 'secrets', '-o', 'yaml'], {
      exitCode: 124,
      stdout: `apiVersion: v1\ndata:\n  password: ${password}\n`,
      stderr: '',
      truncated: false,
      redactions: 0,
      failure: { code: 'command_timeout', message: 'kubectl did not finish within 10 s' },
    });
    expect(response.stdout).not.toContain(password);
    expect(response.stdout).toMatch(/output withheld.*stopped before it finished/);
  });

  it('withholds truncated output that needed redaction', async () => {
    const response = await run(['get', 'secrets', '-A', '-o', 'yaml'], {
      ...ok(secretYaml.slice(0, 40)),
      truncated: true,
    });
    expect(response.stdout).not.toContain(password.slice(0, 12));
    expect(response.stdout).toMatch(/withheld/);
  });

  it("passes an honest executor's redacted output through unchanged, with its count", async () => {
    const args = ['describe', 'secrets', '-n', 'fixtures'];
    const honest = redactOutput(evaluate(args), fixture('describe-secrets-namespace.txt'));
    const yaml = redactOutput(evaluate(['get', 'secret', 'db', '-o', 'yaml']), secretYaml);
    const described = await run(args, { ...ok(honest.output), redactions: honest.redactions });
    expect(described.stdout).toBe(honest.output);
    expect(described.redactions).toBe(honest.redactions);
    const got = await run(['get', 'secret', 'other', '-o', 'yaml'], { ...ok(yaml.output), redactions: 1 });
    expect(got.stdout).toBe(yaml.output);
    expect(got.redactions).toBe(1);
  });

  it('leaves output that needs no redaction alone', async () => {
    const table = 'NAME   TYPE     DATA   AGE\ndb     Opaque   1      5m\n';
    const response = await run(['get', 'secrets'], ok(table));
    expect(response.stdout).toBe(table);
    expect(response.redactions).toBe(0);
  });
});
