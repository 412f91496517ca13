import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startFakeProvider } from '../../../packages/agent/test/support/fake-provider.js';
import type { FakeProvider } from '../../../packages/agent/test/support/fake-provider.js';
import { run } from '../src/run.js';
import { createTestIo, makeTempDir } from './support/test-io.js';

// kubectl is a test double here (no testbed needed); the model is the fake provider HTTP server
// speaking the real OpenAI wire format to the real AI SDK provider.
const fakeKubectl = fileURLToPath(new URL('./fixtures/fake-kubectl-cluster.mjs', import.meta.url));

let dir: string;
let kubeconfig: string;
let provider: FakeProvider | undefined;

beforeAll(async () => {
  dir = await makeTempDir('kubently-local-ask-');
  kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, 'apiVersion: v1\nkind: Config\n');
});

afterAll(async () => {
  await provider?.close();
});

async function ask(args: string[], env: Record<string, string> = {}) {
  const io = createTestIo({ env: { PATH: process.env['PATH'] ?? '', KUBENTLY_CONFIG_DIR: dir, ...env } });
  const code = await run(
    ['ask', ...args, '--kubeconfig', kubeconfig, '--context', 'dev', '--kubectl', fakeKubectl],
    io,
  );
  return { code, out: io.out(), err: io.err() };
}

describe('kubently ask --kubeconfig (no server)', { timeout: 60_000 }, () => {
  it('answers from the engine in this process and says so on stderr', async () => {
    const result = await ask(['why is the api in shop crashing?']);
    expect(result.err).toContain(
      'kubently: context "dev" via local kubectl · answers from the diagnosis engine',
    );
    expect(result.code).toBe(0);
    expect(result.out).toContain('**Root cause:**');
    expect(result.out).toContain('shop');
  });

  it('-o json carries the local answer and the cluster id of the context', async () => {
    const result = await ask(['what is broken?', '-o', 'json']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/"clusterId": "dev"/);
    expect(result.out).toMatch(/"mode": "engine"/);
  });

  it('names a reachable model, and when it fails mid-answer returns the engine answer marked as such', async () => {
    provider = await startFakeProvider([{ errorStatus: 400, errorMessage: 'context length exceeded' }]);
    const result = await ask(['why is the api crashing?'], {
      KUBENTLY_LLM_PROVIDER: 'openai-compatible',
      KUBENTLY_LLM_MODEL: 'fake-model',
      KUBENTLY_LLM_BASE_URL: provider.baseUrl,
    });
    expect(result.err).toContain(`answers with openai-compatible fake-model at ${provider.baseUrl}`);
    expect(result.code).toBe(0);
    expect(result.out).toContain('**Model failed:**');
    expect(result.out).toContain('context length exceeded');
    expect(result.out).toContain('The answer below comes from the diagnosis engine alone.');
    expect(result.out).toContain('**Root cause:**');
    expect(provider.requests.map((request) => request.path)).toEqual(['/v1/chat/completions']);
  });

  it('warns at start when the configured model is not reachable', async () => {
    const result = await ask(['what is broken?', '-o', 'json'], {
      KUBENTLY_LLM_PROVIDER: 'openai-compatible',
      KUBENTLY_LLM_MODEL: 'qwen',
      KUBENTLY_LLM_BASE_URL: 'http://127.0.0.1:9/v1',
      KUBENTLY_LLM_MAX_STEPS: '2',
    });
    expect(result.err).toMatch(
      /warning: openai-compatible qwen at http:\/\/127\.0\.0\.1:9\/v1 is not reachable/,
    );
    expect(result.out).toContain('Model failed');
  });

  it('refuses server flags in local mode', async () => {
    const result = await ask(['hi', '--api-url', 'http://127.0.0.1:9']);
    expect(result.code).toBe(2);
    expect(result.err).toContain('--api-url is for working through a server');
  });
});
