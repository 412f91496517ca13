import { readFileSync } from 'node:fs';

import { kubectlEnvironmentRefusal } from '@kubently/policy';
import type { PolicyConfig } from '@kubently/policy';
import { clusterIdSchema, parseOtlpTracing, policyModeSchema } from '@kubently/protocol';
import type { OtlpTracing } from '@kubently/protocol';
import { z } from 'zod';

import { defaultServiceAccountDirectory, resolveClusterAccess } from './cluster/index.js';
import type { ClusterAccess } from './cluster/index.js';
import { KubentlyError } from './executor-error.js';
import { policyWithoutFile, readPolicyFile } from './policy/index.js';
import type { PolicyOverrides } from './policy/index.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/**
 * Variables passed to kubectl. Everything else (above all KUBENTLY_TOKEN) is scrubbed: kubectl gets
 * what it needs to find its kubeconfig or in-cluster service account, reach the API server through
 * a proxy, and nothing more. HOME is not among them: kubectl gets a private one per executor process
 * (see runner/kubectl-home.ts), so no kuberc, cache or future file under the real HOME applies.
 */
export const kubectlEnvironmentAllowlist = [
  'PATH',
  'KUBECONFIG',
  'KUBERNETES_SERVICE_HOST',
  'KUBERNETES_SERVICE_PORT',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'https_proxy',
  'http_proxy',
  'no_proxy',
  'LANG',
  'LC_ALL',
  'TZ',
  'TMPDIR',
] as const;

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);
const booleanString = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
]);

/**
 * Everything that configures an executor, from flags (the CLI) or environment variables. Values
 * may be strings (they are coerced). Only apiUrl, clusterId and token are required.
 */
export const executorOptionsSchema = z.object({
  apiUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://127.0.0.1:8080' }),
  clusterId: clusterIdSchema,
  token: z.string().min(1, 'must not be empty: use the token printed by `kubently clusters add <id>`'),
  logLevel: z
    .string()
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(logLevels))
    .default('info'),
  kubectl: z.string().min(1).default('kubectl'),
  policyMode: policyModeSchema.optional(),
  policyFile: z.string().min(1).optional(),
  fullAccessAcknowledged: booleanString.default(false),
  /** How often the policy file is read again (its content hash compared) to reload it at runtime. */
  policyReloadSeconds: positiveInt(3600).default(10),
  transport: z.enum(['sse', 'poll']).default('sse'),
  maxConcurrency: positiveInt(256).default(4),
  maxOutputBytes: positiveInt(64 * 1024 * 1024).default(1024 * 1024),
  /** Answer structured reads through the Kubernetes API (decision 0011); false: kubectl only. */
  readPath: booleanString.default(true),
  healthPort: z.coerce.number().int().min(0).max(65_535).optional(),
  healthHost: z.string().min(1).default('127.0.0.1'),
  kubeconfig: z.string().min(1).optional(),
  /** A context of the kubeconfig; default: its current context. */
  kubeContext: z.string().min(1).optional(),
  /** Where the pod's ServiceAccount token, ca.crt and namespace are mounted. */
  serviceAccountDir: z.string().min(1).default(defaultServiceAccountDirectory),
  /** How often the API server is checked (reachability, version, RBAC summary). */
  clusterCheckSeconds: positiveInt(86_400).default(60),
  /** PEM bundle trusted for the server URL (https) instead of the system roots. */
  caFile: z.string().min(1).optional(),
  /** Cap of the backoff while the server rejects the token (401/403). */
  rejectedBackoffSeconds: positiveInt(86_400).default(600),
  /**
   * Extra variable names passed to kubectl, e.g. for exec credential plugins (AWS_PROFILE), or HOME
   * to give kubectl the real HOME. Never KUBENTLY_*, KUBERC, KUBECTL_KUBERC or KUBECACHEDIR.
   */
  kubectlEnv: z
    .union([z.array(z.string()), z.string().transform((v) => v.split(',').map((s) => s.trim()))])
    .pipe(
      z.array(
        z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be variable names, e.g. AWS_PROFILE,HOME')
          .superRefine((name, context) => {
            const refusal = kubectlEnvironmentRefusal(name);
            if (refusal !== null)
              context.addIssue({ code: 'custom', message: `${name} is refused: ${refusal}; remove it` });
          }),
      ),
    )
    .default([]),
  watchdogSeconds: positiveInt(3600).default(45),
  pollWaitSeconds: positiveInt(30).default(20),
  maxBackoffSeconds: positiveInt(3600).default(30),
});
export type ExecutorOptions = z.input<typeof executorOptionsSchema>;

export interface PolicyFileSource {
  readonly path: string;
  /** Hash of the content read at start: the watcher reloads when it changes. */
  readonly sha256: string;
  readonly overrides: PolicyOverrides;
}

/** Frozen executor configuration: the only input of `start`. */
export interface ExecutorConfig {
  readonly apiUrl: string;
  readonly clusterId: string;
  readonly token: string;
  readonly logLevel: LogLevel;
  readonly kubectl: string;
  /** The policy at start; with a policy file, the executor reloads it at runtime (policy-watcher.ts). */
  readonly policy: PolicyConfig;
  /** The policy file read at start, or null (KUBENTLY_POLICY_MODE alone: nothing to reload). */
  readonly policyFile: PolicyFileSource | null;
  readonly policyReloadMs: number;
  readonly transport: 'sse' | 'poll';
  readonly maxConcurrency: number;
  readonly maxOutputBytes: number;
  readonly readPath: boolean;
  readonly health: { readonly host: string; readonly port: number } | null;
  /**
   * What kubectl inherits: the allowlist, KUBENTLY_KUBECTL_ENV and the kubeconfig. `start` adds
   * KUBERC=off, a HOME and a private cache directory (runner/kubectl-home.ts).
   */
  readonly kubectlEnvironment: Readonly<Record<string, string>>;
  /** The executor's own HOME: kubectl gets it only when its credential plugin needs it. */
  readonly home: string | null;
  /** How kubectl reaches the cluster (start writes the private kubeconfig this needs). */
  readonly cluster: ClusterAccess;
  readonly clusterCheckMs: number;
  /** PEM text of KUBENTLY_CA_FILE; null: the system's trusted roots. */
  readonly serverCa: string | null;
  readonly rejectedBackoffMs: number;
  readonly watchdogMs: number;
  readonly pollWaitSeconds: number;
  readonly maxBackoffMs: number;
  /** OTLP/HTTP trace export from the standard OTEL_* variables; null (the default): no tracing. */
  readonly tracing: OtlpTracing | null;
}

const environmentNames: Readonly<Record<keyof ExecutorOptions, string>> = {
  apiUrl: 'KUBENTLY_API_URL',
  clusterId: 'CLUSTER_ID',
  token: 'KUBENTLY_TOKEN',
  logLevel: 'LOG_LEVEL',
  kubectl: 'KUBENTLY_KUBECTL',
  policyMode: 'KUBENTLY_POLICY_MODE',
  policyFile: 'KUBENTLY_POLICY_FILE',
  fullAccessAcknowledged: 'KUBENTLY_POLICY_FULL_ACCESS_ACKNOWLEDGED',
  policyReloadSeconds: 'KUBENTLY_POLICY_RELOAD_SECONDS',
  transport: 'KUBENTLY_TRANSPORT',
  maxConcurrency: 'KUBENTLY_MAX_CONCURRENCY',
  maxOutputBytes: 'KUBENTLY_MAX_OUTPUT_BYTES',
  readPath: 'KUBENTLY_READ_PATH',
  healthPort: 'KUBENTLY_HEALTH_PORT',
  healthHost: 'KUBENTLY_HEALTH_HOST',
  kubeconfig: 'KUBECONFIG',
  kubeContext: 'KUBENTLY_KUBE_CONTEXT',
  serviceAccountDir: 'KUBENTLY_SERVICE_ACCOUNT_DIR',
  clusterCheckSeconds: 'KUBENTLY_CLUSTER_CHECK_SECONDS',
  caFile: 'KUBENTLY_CA_FILE',
  rejectedBackoffSeconds: 'KUBENTLY_REJECTED_BACKOFF_SECONDS',
  kubectlEnv: 'KUBENTLY_KUBECTL_ENV',
  watchdogSeconds: 'KUBENTLY_WATCHDOG_SECONDS',
  pollWaitSeconds: 'KUBENTLY_POLL_WAIT_SECONDS',
  maxBackoffSeconds: 'KUBENTLY_MAX_BACKOFF_SECONDS',
};

/** Reads the options the environment sets (empty values count as unset). */
export function executorOptionsFromEnvironment(
  env: Environment,
): Partial<Record<keyof ExecutorOptions, string>> {
  const options: Partial<Record<keyof ExecutorOptions, string>> = {};
  for (const [key, name] of Object.entries(environmentNames) as [keyof ExecutorOptions, string][]) {
    const value = env[name];
    if (value !== undefined && value !== '') options[key] = value;
  }
  return options;
}

/**
 * Validates options (from flags or the environment) into a frozen config. `env` supplies only the
 * variables kubectl may inherit. Throws KubentlyError('validation_failed') naming the variable and
 * the fix; an invalid policy file refuses to start (fail closed).
 */
export function buildExecutorConfig(
  options: ExecutorOptions | Record<string, unknown>,
  env: Environment,
): ExecutorConfig {
  const parsed = executorOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const name =
        key in environmentNames ? `${environmentNames[key as keyof ExecutorOptions]} (${key})` : key;
      return `${name}: ${issue.message}`;
    });
    throw new KubentlyError('validation_failed', `invalid executor configuration: ${problems.join('; ')}`, {
      details: { problems },
    });
  }
  const o = parsed.data;
  const kubectlEnvironment: Record<string, string> = {};
  for (const name of [...kubectlEnvironmentAllowlist, ...o.kubectlEnv]) {
    const value = env[name];
    if (value !== undefined) kubectlEnvironment[name] = value;
  }
  // kubectl no longer finds ~/.kube/config by itself once HOME is private: name it. In a pod,
  // start() writes a kubeconfig for the ServiceAccount instead (cluster/cluster-kubeconfig.ts).
  const cluster = resolveClusterAccess({
    kubeconfig: o.kubeconfig,
    context: o.kubeContext,
    serviceAccountDirectory: o.serviceAccountDir,
    serviceHost: env['KUBERNETES_SERVICE_HOST'],
    servicePort: env['KUBERNETES_SERVICE_PORT'],
    home: env['HOME'],
  });
  delete kubectlEnvironment.KUBECONFIG;
  if (cluster.type === 'kubeconfig' && cluster.path !== null) kubectlEnvironment.KUBECONFIG = cluster.path;
  return Object.freeze({
    apiUrl: o.apiUrl.replace(/\/+$/, ''),
    clusterId: o.clusterId,
    token: o.token,
    logLevel: o.logLevel,
    kubectl: o.kubectl,
    ...loadPolicy(o.policyFile, { mode: o.policyMode, fullAccessAcknowledged: o.fullAccessAcknowledged }),
    policyReloadMs: o.policyReloadSeconds * 1000,
    transport: o.transport,
    maxConcurrency: o.maxConcurrency,
    maxOutputBytes: o.maxOutputBytes,
    readPath: o.readPath,
    health: o.healthPort === undefined ? null : Object.freeze({ host: o.healthHost, port: o.healthPort }),
    kubectlEnvironment: Object.freeze(kubectlEnvironment),
    home: env['HOME'] ?? null,
    tracing: parseOtlpTracing(env, 'kubently-executor'),
    cluster: Object.freeze(cluster),
    clusterCheckMs: o.clusterCheckSeconds * 1000,
    serverCa: o.caFile === undefined ? null : readCaFile(o.caFile),
    rejectedBackoffMs: o.rejectedBackoffSeconds * 1000,
    watchdogMs: o.watchdogSeconds * 1000,
    pollWaitSeconds: o.pollWaitSeconds,
    maxBackoffMs: o.maxBackoffSeconds * 1000,
  });
}

function readCaFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new KubentlyError('validation_failed', `KUBENTLY_CA_FILE: cannot read ${file}: ${String(cause)}`, {
      cause,
    });
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new KubentlyError(
      'validation_failed',
      `KUBENTLY_CA_FILE: ${file} holds no PEM certificate; point it at the CA bundle that signed the server's certificate`,
    );
  }
  return text;
}

/** The seed's variables (KUBENTLY_API_URL, CLUSTER_ID, KUBENTLY_TOKEN, LOG_LEVEL) plus KUBENTLY_*. */
export function parseExecutorConfig(env: Environment): ExecutorConfig {
  return buildExecutorConfig(executorOptionsFromEnvironment(env), env);
}

/** For main.ts: the one place that reads the process environment. */
export function readExecutorConfig(): ExecutorConfig {
  return parseExecutorConfig(process.env);
}

function loadPolicy(
  file: string | undefined,
  overrides: PolicyOverrides,
): { policy: PolicyConfig; policyFile: PolicyFileSource | null } {
  if (file === undefined) return { policy: policyWithoutFile(overrides), policyFile: null };
  const loaded = readPolicyFile(file, overrides);
  return {
    policy: loaded.policy,
    policyFile: Object.freeze({
      path: file,
      sha256: loaded.sha256,
      overrides: Object.freeze({ ...overrides }),
    }),
  };
}
