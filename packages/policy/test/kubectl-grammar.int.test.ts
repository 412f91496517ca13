import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { evaluate } from '@kubently/policy';

const run = promisify(execFile);

/**
 * Agreement with the real kubectl parser: every command the policy allows must parse in kubectl
 * (it then fails only on the unreachable API server), and the odd spellings the policy rejects must
 * really be accepted by kubectl, which is why they are rejected.
 */
let directory = '';
let kubeconfig = '';

beforeAll(async () => {
  await run('kubectl', ['version', '--client']).catch((error: unknown) => {
    throw new Error(
      `kubectl is not on PATH (${String(error)}): install kubectl to run the policy agreement test`,
    );
  });
  directory = await mkdtemp(join(tmpdir(), 'kubently-policy-'));
  kubeconfig = join(directory, 'config');
  await writeFile(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
      'users: [{name: u, user: {token: unused}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
    ].join('\n'),
  );
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function kubectl(argv: readonly string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run('kubectl', [...argv, '--request-timeout=2s'], {
      env: { PATH: process.env['PATH'] ?? '', KUBECONFIG: kubeconfig, KUBERC: 'off', HOME: directory },
      timeout: 20_000,
    });
    return `${stdout}${stderr}`;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
  }
}

const parseErrors =
  /unknown flag|unknown shorthand flag|unknown command|flags cannot be placed before plugin name|bad flag syntax|flag needs an argument|invalid argument/;

// What kubectl prints once it has parsed the command and tried the (unreachable) API server.
const reachedServer = /127\.0\.0\.1:1|connection refused|Unable to connect/i;

const allowedCommands = [
  'get pods -n kube-system',
  '-n kube-system get pods',
  'get pods -nkube-system',
  'get pods -n=kube-system',
  'get pods -Ao wide',
  'get pods --all_namespaces',
  'get pods -lapp=web --show-labels',
  'get deploy.v1.apps web -o yaml',
  'get secrets.v1. -o json',
  'get pods -o jsonpath={.items[*].metadata.name}',
  'get pods --sort-by=.metadata.name --no-headers',
  'get pods -- web-1',
  'describe deploy credit-api',
  'describe node node-1 --show-events=false',
  'logs user-create-job --tail=10 -c app',
  'logs -pc app web-1',
  'logs deploy/web --all-containers --prefix',
  'top pods -A --containers',
  'top no --sort-by=cpu',
  'events --for pod/web-1 --types=Warning',
  'explain pods.spec --recursive',
  'explain pods -o plaintext',
  'api-resources --namespaced=true -o name',
  'api-versions',
  'version -o json',
  'cluster-info',
  'rollout history deploy/web --revision=2',
  'rollout status deploy/web --watch=false --timeout=1s',
  'auth can-i get pods -A',
  'auth whoami -o yaml',
];

describe('real kubectl parses what the policy allows', () => {
  it.each(allowedCommands)('%s', async (command) => {
    const decision = evaluate(command);
    expect(decision.allowed, decision.reason).toBe(true);
    const output = await kubectl(decision.argv);
    expect(output).not.toMatch(parseErrors);
    expect(output).toMatch(reachedServer);
  });
});

describe('real kubectl accepts the spellings the policy rejects', () => {
  it.each([
    'get pods --as=admin --as_group=system:masters',
    'get pods --insecure_skip_tls_verify=true',
    'get pods -As https://127.0.0.1:1',
    'get pods -n=default --context=x',
  ])('%s', async (command) => {
    expect(evaluate(command).allowed).toBe(false);
    const output = await kubectl(command.split(' '));
    expect(output).not.toMatch(parseErrors);
    expect(output).toMatch(reachedServer);
  });

  it('kubectl itself refuses command flags before the verb, as the policy does', async () => {
    expect(evaluate('-A get pods').allowed).toBe(false);
    expect(await kubectl(['-A', 'get', 'pods'])).toMatch(parseErrors);
  });
});
