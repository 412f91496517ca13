import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { buildExecutorConfig, parseExecutorConfig } from '../src/config.js';
import { KubentlyError } from '../src/executor-error.js';
import { hashPolicyText } from '../src/policy/index.js';

const seed = { KUBENTLY_API_URL: 'http://127.0.0.1:8080/', CLUSTER_ID: 'prod', KUBENTLY_TOKEN: 'tok-123' };

function errorOf(run: () => unknown): KubentlyError {
  try {
    run();
  } catch (error) {
    if (error instanceof KubentlyError) return error;
    throw error;
  }
  throw new Error('expected a KubentlyError');
}

function policyFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'kubently-policy-')), name);
  writeFileSync(path, text);
  return path;
}

describe('parseExecutorConfig', () => {
  it('reads the seed variables and applies defaults', () => {
    const config = parseExecutorConfig(seed);
    expect(config).toMatchObject({
      apiUrl: 'http://127.0.0.1:8080',
      clusterId: 'prod',
      token: 'tok-123',
      logLevel: 'info',
      kubectl: 'kubectl',
      transport: 'sse',
      maxConcurrency: 4,
      maxOutputBytes: 1024 * 1024,
      health: null,
      watchdogMs: 45_000,
      maxBackoffMs: 30_000,
    });
    expect(config.policy.mode).toBe('readOnly');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('gives kubectl only allowlisted variables, never the executor token', () => {
    const config = parseExecutorConfig({
      ...seed,
      PATH: '/usr/bin',
      HOME: '/home/k',
      AWS_SECRET_ACCESS_KEY: 'nope',
      KUBECONFIG: '/etc/kube/config',
      KUBENTLY_KUBECTL_ENV: 'AWS_PROFILE',
      AWS_PROFILE: 'ops',
    });
    // HOME is not passed: start() gives kubectl a private one (runner/kubectl-home.ts).
    expect(config.kubectlEnvironment).toEqual({
      PATH: '/usr/bin',
      KUBECONFIG: '/etc/kube/config',
      AWS_PROFILE: 'ops',
    });
    expect(config.home).toBe('/home/k');
  });

  it('passes the real HOME to kubectl only when the operator lists it', () => {
    const config = parseExecutorConfig({
      ...seed,
      HOME: '/home/k',
      KUBENTLY_KUBECTL_ENV: 'HOME,AWS_PROFILE',
    });
    expect(config.kubectlEnvironment).toEqual({ HOME: '/home/k' });
  });

  it('refuses to pass KUBENTLY_*, KUBERC, KUBECTL_KUBERC or KUBECACHEDIR to kubectl, naming the variable', () => {
    for (const name of ['KUBENTLY_TOKEN', 'KUBERC', 'KUBECTL_KUBERC', 'KUBECACHEDIR']) {
      const error = errorOf(() =>
        parseExecutorConfig({ ...seed, KUBENTLY_KUBECTL_ENV: `AWS_PROFILE, ${name}` }),
      );
      expect(error.code).toBe('validation_failed');
      expect(error.message).toContain('KUBENTLY_KUBECTL_ENV');
      expect(error.message).toContain(`${name} is refused`);
      expect(error.message).toMatch(/remove it/);
    }
  });

  it('names the kubeconfig kubectl would pick before HOME becomes private', () => {
    const home = mkdtempSync(join(tmpdir(), 'kubently-home-'));
    expect(parseExecutorConfig({ ...seed, HOME: home }).kubectlEnvironment).toEqual({});
    mkdirSync(join(home, '.kube'));
    writeFileSync(join(home, '.kube', 'config'), 'apiVersion: v1\nkind: Config\n');
    expect(parseExecutorConfig({ ...seed, HOME: home }).kubectlEnvironment).toEqual({
      KUBECONFIG: join(home, '.kube', 'config'),
    });
    expect(
      parseExecutorConfig({ ...seed, HOME: home, KUBECONFIG: '/etc/kube/a:/etc/kube/b' }).kubectlEnvironment,
    ).toEqual({ KUBECONFIG: '/etc/kube/a:/etc/kube/b' });
  });

  it('names the variable and the fix for bad values', () => {
    const error = errorOf(() =>
      parseExecutorConfig({ ...seed, KUBENTLY_API_URL: 'ftp://x', KUBENTLY_TRANSPORT: 'ws' }),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.message).toMatch(/KUBENTLY_API_URL \(apiUrl\): must be an http\(s\) URL/);
    expect(error.message).toMatch(/KUBENTLY_TRANSPORT/);
    expect(errorOf(() => parseExecutorConfig({ CLUSTER_ID: 'prod' })).message).toMatch(/KUBENTLY_TOKEN/);
  });

  it('parses numbers, the transport and the health port', () => {
    const config = parseExecutorConfig({
      ...seed,
      KUBENTLY_TRANSPORT: 'poll',
      KUBENTLY_MAX_CONCURRENCY: '8',
      KUBENTLY_MAX_OUTPUT_BYTES: '2048',
      KUBENTLY_HEALTH_PORT: '0',
      LOG_LEVEL: 'DEBUG',
    });
    expect(config).toMatchObject({
      transport: 'poll',
      maxConcurrency: 8,
      maxOutputBytes: 2048,
      logLevel: 'debug',
    });
    expect(config.health).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it('loads a YAML or JSON policy file', () => {
    const yaml = policyFile('policy.yaml', 'mode: extendedReadOnly\nrestrictedResources: [configmaps]\n');
    expect(parseExecutorConfig({ ...seed, KUBENTLY_POLICY_FILE: yaml }).policy).toMatchObject({
      mode: 'extendedReadOnly',
      restrictedResources: ['configmaps'],
    });
    const json = policyFile('policy.json', '{"mode":"readOnly","extraFlags":["--chunk-size"]}');
    expect(parseExecutorConfig({ ...seed, KUBENTLY_POLICY_FILE: json }).policy.extraFlags).toEqual([
      '--chunk-size',
    ]);
  });

  it('keeps what the policy watcher needs: the file, its content hash, the overrides and the interval', () => {
    const yaml = policyFile('policy.yaml', 'mode: readOnly\n');
    const config = parseExecutorConfig({
      ...seed,
      KUBENTLY_POLICY_FILE: yaml,
      KUBENTLY_POLICY_MODE: 'extendedReadOnly',
    });
    expect(config.policyReloadMs).toBe(10_000);
    expect(config.policy.mode).toBe('extendedReadOnly');
    expect(config.policyFile).toEqual({
      path: yaml,
      sha256: hashPolicyText('mode: readOnly\n'),
      overrides: { mode: 'extendedReadOnly', fullAccessAcknowledged: false },
    });
    expect(parseExecutorConfig(seed).policyFile).toBeNull();
    expect(parseExecutorConfig({ ...seed, KUBENTLY_POLICY_RELOAD_SECONDS: '2' }).policyReloadMs).toBe(2000);
    expect(
      errorOf(() => parseExecutorConfig({ ...seed, KUBENTLY_POLICY_RELOAD_SECONDS: '0' })).message,
    ).toMatch(/KUBENTLY_POLICY_RELOAD_SECONDS/);
  });

  it('fails closed on an invalid or unreadable policy file', () => {
    const bad = policyFile('policy.yaml', 'mode: readOnly\nverbz: [delete]\n');
    expect(errorOf(() => parseExecutorConfig({ ...seed, KUBENTLY_POLICY_FILE: bad })).message).toMatch(
      /KUBENTLY_POLICY_FILE/,
    );
    const broken = policyFile('policy.json', '{"mode": ');
    expect(errorOf(() => parseExecutorConfig({ ...seed, KUBENTLY_POLICY_FILE: broken })).message).toMatch(
      /not valid JSON\/YAML/,
    );
    expect(
      errorOf(() => parseExecutorConfig({ ...seed, KUBENTLY_POLICY_FILE: '/nonexistent.yaml' })).message,
    ).toMatch(/cannot read/);
  });

  it('requires the acknowledgement for fullAccess', () => {
    expect(
      errorOf(() => parseExecutorConfig({ ...seed, KUBENTLY_POLICY_MODE: 'fullAccess' })).message,
    ).toMatch(/fullAccessAcknowledged/);
    const config = parseExecutorConfig({
      ...seed,
      KUBENTLY_POLICY_MODE: 'fullAccess',
      KUBENTLY_POLICY_FULL_ACCESS_ACKNOWLEDGED: 'true',
    });
    expect(config.policy.mode).toBe('fullAccess');
  });

  it('accepts options from flags merged over the environment', () => {
    const config = buildExecutorConfig(
      { apiUrl: 'https://k.example', clusterId: 'dev', token: 't', maxConcurrency: 2 },
      {},
    );
    expect(config).toMatchObject({
      apiUrl: 'https://k.example',
      clusterId: 'dev',
      maxConcurrency: 2,
      kubectlEnvironment: {},
    });
  });
});
