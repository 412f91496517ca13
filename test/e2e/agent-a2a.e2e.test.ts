import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { TaskState } from '@a2a-js/sdk';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { createConfig, start } from '@kubently/server';
import type { RunningServer } from '@kubently/server';

import { a2aClient, collect, userMessage, withKey } from '../integration/support/a2a-client.js';
import { agentKeys, programmableModel } from '../integration/support/agent-kubently.js';
import { Api } from '../integration/support/kubently.js';
import { executorMain, spawnNode, stopAll } from '../integration/support/processes.js';
import './testbed-context.js';

/**
 * The agent over A2A against the real testbed: the server in-process (scripted model), the built
 * executor running the real kubectl. The model reads the crash-looping pod's name from the real
 * `get pods` output, describes that pod, and quotes a line of the real `describe` output.
 */
const testbed = inject('testbed');
const clusterId = 'testbed';
const namespace = 'crashloop-missing-env';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every string in the tool results of a model call, newest last (the wrapped kubectl output). */
const toolOutputs = (options: LanguageModelV3CallOptions): string[] => {
  const strings: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') strings.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(walk);
  };
  for (const message of options.prompt) {
    if (message.role !== 'tool') continue;
    for (const part of message.content) if (part.type === 'tool-result') walk(part.output);
  }
  return strings;
};

describe('agent over A2A against the testbed', () => {
  const scripted = programmableModel();
  let server: RunningServer;
  let api: Api;

  beforeAll(async () => {
    server = await start(
      createConfig({
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
        apiKeys: [
          { identity: 'sre', key: agentKeys.operator, role: 'operator' },
          { identity: 'root', key: agentKeys.admin, role: 'admin' },
        ],
      }),
      { logger: pino({ level: 'silent' }), model: scripted.model },
    );
    api = new Api(server.url, agentKeys.admin);
    const token = await api.addCluster(clusterId);
    spawnNode(executorMain, {
      PATH: `${testbed.binDir}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
      HOME: process.env['HOME'] ?? '/tmp',
      KUBENTLY_API_URL: server.url,
      CLUSTER_ID: clusterId,
      KUBENTLY_TOKEN: token,
      KUBENTLY_KUBECTL: testbed.kubectl,
      KUBECONFIG: testbed.kubeconfig,
      LOG_LEVEL: 'info',
    });
    await api.waitForExecutors(clusterId);
    // The scenario needs a while after it is applied before the pod shows CrashLoopBackOff.
    const deadline = Math.max(Date.now() + 30_000, testbed.scenariosAppliedAt + 180_000);
    for (;;) {
      const answer = await api.post('/v1/commands', {
        clusterId,
        args: ['get', 'pods', '-n', namespace],
        timeoutSeconds: 30,
      });
      const stdout = (answer.body as { stdout?: string }).stdout ?? '';
      if (stdout.includes('CrashLoopBackOff') || Date.now() > deadline) break;
      await sleep(2000);
    }
  });
  afterAll(async () => {
    await stopAll();
    await server.close();
  });

  it('streams get pods, then describe pod <name from the real output>, and answers citing real output', async () => {
    let podName = '';
    let citedLine = '';
    scripted.script([
      {
        toolCalls: [{ id: 'g1', name: 'execute_kubectl', input: { args: ['get', 'pods', '-n', namespace] } }],
      },
      (options) => {
        const output = toolOutputs(options).join('\n');
        podName = /^(\S+)\s+\d+\/\d+\s+CrashLoopBackOff\b/m.exec(output)?.[1] ?? '';
        if (podName === '') throw new Error(`no CrashLoopBackOff pod in the tool output:\n${output}`);
        return {
          toolCalls: [
            {
              id: 'd1',
              name: 'execute_kubectl',
              input: { args: ['describe', 'pod', podName, '-n', namespace] },
            },
          ],
        };
      },
      (options) => {
        const output = toolOutputs(options).join('\n');
        citedLine =
          output
            .split('\n')
            .find((line) => /Reason:\s+CrashLoopBackOff/.test(line))
            ?.trim() ?? '';
        if (citedLine === '') throw new Error(`no waiting reason in the describe output:\n${output}`);
        return {
          text: `**Root cause:** pod ${podName} in ${namespace} is crash-looping.\n**Evidence:** \`kubectl describe pod ${podName} -n ${namespace}\` shows \`${citedLine}\`.\n**Impact:** the workload is down.\n**Fix:** set the missing environment variable.\n**Verification:** kubectl get pods -n ${namespace}`,
        };
      },
    ]);
    const client = await a2aClient(server.url);
    const seen = await collect(
      client.sendMessageStream(
        userMessage(`why is ${namespace} failing?`, { clusterId }),
        withKey(agentKeys.operator),
      ),
    );
    const started = seen
      .filter((item) => item.kubently?.['type'] === 'tool-call-started')
      .map((item) => item.kubently?.['args']);
    expect(started).toEqual([
      { args: ['get', 'pods', '-n', namespace] },
      { args: ['describe', 'pod', podName, '-n', namespace] },
    ]);
    const finished = seen.filter((item) => item.kubently?.['type'] === 'tool-call-finished');
    expect(finished.map((item) => item.kubently?.['outcome'])).toEqual(['ok', 'ok']);
    const answer = seen.find((item) => item.kind === 'artifactUpdate')?.text ?? '';
    expect(podName).toMatch(/^\S+-\S+/);
    expect(answer).toContain(podName);
    expect(answer).toContain('CrashLoopBackOff');
    expect(seen.at(-1)?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    // Both commands are in the audit log as the caller's, sent by the agent.
    const audit = await api.get(`/v1/audit?clusterId=${clusterId}`);
    const records = (audit.body as { records: { identity: string; source: string; argv: string[] }[] })
      .records;
    expect(
      records
        .filter((record) => record.source === 'agent' && record.identity === 'sre')
        .map((record) => record.argv[0]),
    ).toEqual(expect.arrayContaining(['get', 'describe']));
  });
});
