import { isIPv4, isIPv6 } from 'node:net';

import { z } from 'zod';

import { AgentError, parseAgentConfig } from '@kubently/agent';
import type { AgentConfig } from '@kubently/agent';
import { parseOtlpTracing } from '@kubently/protocol';
import type { OtlpTracing } from '@kubently/protocol';
import { roleSchema } from '@kubently/protocol';

import type { OidcConfig } from './auth/oidc-verifier.js';
import {
  CallbackConfigError,
  defaultCallbackConfig,
  parseCallbackEnvironment,
} from './callbacks/callback-config.js';
import type { CallbackConfig } from './callbacks/callback-config.js';
import type { NotifyConfig } from '@kubently/notify';

import { loadNotifyConfig, notifyConfigVariable } from './notify-config.js';
import { OidcConfigError, parseOidcEnvironment } from './oidc-config.js';
import type { Role } from '@kubently/protocol';

export interface ApiKeyEntry {
  readonly identity: string;
  readonly key: string;
  readonly role: Role;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Everything the server reads from its environment, parsed once, with every default in one place. */
export interface ServerConfig {
  readonly host: string;
  /** 0 picks a free port; `start()` reports the real one. */
  readonly port: number;
  readonly apiKeys: readonly ApiKeyEntry[];
  readonly logLevel: LogLevel;
  /** How long a rotated-out executor token keeps working. */
  readonly tokenOverlapSeconds: number;
  /** How long a finished command's result stays readable. */
  readonly resultTtlSeconds: number;
  readonly keepaliveSeconds: number;
  /** A command waits this long for an executor of its cluster to connect before 503. */
  readonly executorGraceMs: number;
  /** A disconnected executor has this long to reconnect and receive its unacked commands again. */
  readonly redeliveryGraceMs: number;
  readonly sessionTtlSeconds: number;
  readonly requestBodyLimitBytes: number;
  readonly resultBodyLimitBytes: number;
  readonly auditMaxRecords: number;
  /**
   * Open commands (queued or running, waited for or not) one identity may have at once; more is
   * 429 rate_limited. A whole-cluster diagnosis keeps at most 6 in flight.
   */
  readonly maxCommandsInFlightPerIdentity: number;
  /** Undelivered commands one cluster's queue may hold; more is 503 capacity_exceeded. */
  readonly maxQueuedCommandsPerCluster: number;
  /**
   * Bytes of stdout + stderr of one identity's finished results kept for resultTtlSeconds; at or
   * over it, that identity's new commands are 429 rate_limited until old results expire.
   */
  readonly maxResultBytesPerIdentity: number;
  /** The same for everyone's results together; at or over it, new commands are 503 capacity_exceeded. */
  readonly maxResultBytesTotal: number;
  /** How long `close()` waits for in-flight HTTP responses before cutting connections. */
  readonly shutdownTimeoutMs: number;
  /** Null: in-memory state (one replica). Set: Redis shared by every replica (docs/scale-out.md). */
  readonly redisUrl: string | null;
  /** Prefix of every Redis key, so several deployments can share one Redis. */
  readonly redisPrefix: string;
  /** How long a state call waits for an unreachable Redis to come back (0: fail at once). */
  readonly redisOutageGraceMs: number;
  /** Calls, and bytes of their arguments, that may wait at once during a Redis outage. */
  readonly redisOutageMaxCalls: number;
  readonly redisOutageMaxBytes: number;
  /**
   * The server's external base URL (KUBENTLY_PUBLIC_URL), used in the A2A agent card; null: the
   * origin of each card request (right unless a proxy rewrites the host or scheme).
   */
  readonly publicUrl: string | null;
  /**
   * Proxies whose X-Forwarded-For names the real client (KUBENTLY_TRUSTED_PROXIES: addresses and
   * CIDR ranges). Empty: the socket peer is the source of every request.
   */
  readonly trustedProxies: readonly string[];
  /** Invalid credentials from one source per minute before it is refused for a while (KUBENTLY_AUTH_FAILURE_LIMIT). */
  readonly authFailureLimit: number;
  /**
   * A second listener serving only `GET /metrics`, without authentication (KUBENTLY_METRICS_PORT;
   * null: none). For Prometheus inside the pod network; see docs/operations.md.
   */
  readonly metricsPort: number | null;
  /** Where that listener binds (KUBENTLY_METRICS_HOST; default: the server's host). */
  readonly metricsHost: string | null;
  /**
   * Bearer token that unlocks `GET /metrics` on the main port (KUBENTLY_METRICS_TOKEN, at least 16
   * characters); null: /metrics is not served on the main port.
   */
  readonly metricsToken: string | null;
  /** Distinct cluster label values in metrics; the rest are counted as `other` (KUBENTLY_METRICS_MAX_CLUSTERS). */
  readonly metricsMaxClusters: number;
  /** OTLP/HTTP trace export from the standard OTEL_* variables; null (the default): no tracing. */
  readonly tracing: OtlpTracing | null;
  /** Requests a minute per caller identity, by role (KUBENTLY_RATE_LIMITS); a role not listed is unlimited. */
  readonly rateLimitsPerRole: Readonly<Partial<Record<Role, number>>>;
  /** Requests a minute per X-Service-Identity value (KUBENTLY_SERVICE_RATE_LIMIT); null: unlimited. */
  readonly serviceRateLimit: number | null;
  /** Bearer JWTs from an OIDC issuer (KUBENTLY_OIDC_*, docs/keys.md); null: API keys only. */
  readonly oidc: OidcConfig | null;
  /**
   * PEM certificate (chain) and key files: set both to serve HTTPS. Re-read every
   * `tlsReloadSeconds`; a changed pair that is valid replaces the served one without dropping
   * connections (a cert-manager or Secret-mounted rotation needs no restart).
   */
  readonly tlsCertFile: string | null;
  readonly tlsKeyFile: string | null;
  readonly tlsReloadSeconds: number;
  /**
   * The operator says TLS terminates at a proxy or ingress in front of the server: listening beyond
   * loopback without TLS then logs no warning (KUBENTLY_TLS_TERMINATED_BY_PROXY=true).
   */
  readonly tlsTerminatedByProxy: boolean;
  /** The troubleshooting agent (KUBENTLY_LLM_*, docs/agent.md); `agent.model` null: engine-only. */
  readonly agent: AgentConfig;
  /** Command callbacks and A2A pushes: signing secret and URL checks (KUBENTLY_CALLBACK_*, docs/security-model.md). */
  readonly callbacks: CallbackConfig;
  /** Sinks, routes and watch targets (KUBENTLY_NOTIFY_CONFIG, docs/notifications.md); null: none. */
  readonly notify: NotifyConfig | null;
  readonly version: string;
}

export const defaultServerConfig: ServerConfig = Object.freeze({
  host: '127.0.0.1',
  port: 8080,
  apiKeys: Object.freeze([]),
  logLevel: 'info',
  tokenOverlapSeconds: 300,
  resultTtlSeconds: 600,
  keepaliveSeconds: 15,
  executorGraceMs: 5000,
  redeliveryGraceMs: 10_000,
  sessionTtlSeconds: 300,
  requestBodyLimitBytes: 64 * 1024,
  // The executor caps stdout at 1 MiB by default; JSON escaping and stderr need room on top.
  resultBodyLimitBytes: 4 * 1024 * 1024,
  auditMaxRecords: 10_000,
  maxCommandsInFlightPerIdentity: 16,
  maxQueuedCommandsPerCluster: 100,
  maxResultBytesPerIdentity: 64 * 1024 * 1024,
  maxResultBytesTotal: 256 * 1024 * 1024,
  shutdownTimeoutMs: 5000,
  redisUrl: null,
  redisPrefix: 'kubently:',
  redisOutageGraceMs: 10_000,
  redisOutageMaxCalls: 1000,
  redisOutageMaxBytes: 16 * 1024 * 1024,
  publicUrl: null,
  trustedProxies: Object.freeze([]),
  authFailureLimit: 10,
  metricsPort: null,
  metricsHost: null,
  metricsToken: null,
  metricsMaxClusters: 100,
  tracing: null,
  rateLimitsPerRole: Object.freeze({}),
  serviceRateLimit: null,
  oidc: null,
  tlsCertFile: null,
  tlsKeyFile: null,
  tlsReloadSeconds: 10,
  tlsTerminatedByProxy: false,
  agent: parseAgentConfig({}),
  callbacks: defaultCallbackConfig,
  notify: null,
  version: '0.1.0',
});

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.variable = variable;
  }
}

/** Environment variables the server reads, and the config field each fills. */
const variables = {
  KUBENTLY_HOST: 'host',
  KUBENTLY_PORT: 'port',
  KUBENTLY_API_KEYS: 'apiKeys',
  KUBENTLY_LOG_LEVEL: 'logLevel',
  KUBENTLY_TOKEN_OVERLAP_SECONDS: 'tokenOverlapSeconds',
  KUBENTLY_RESULT_TTL_SECONDS: 'resultTtlSeconds',
  KUBENTLY_KEEPALIVE_SECONDS: 'keepaliveSeconds',
  KUBENTLY_EXECUTOR_GRACE_MS: 'executorGraceMs',
  KUBENTLY_REDELIVERY_GRACE_MS: 'redeliveryGraceMs',
  KUBENTLY_SESSION_TTL_SECONDS: 'sessionTtlSeconds',
  KUBENTLY_REQUEST_BODY_LIMIT_BYTES: 'requestBodyLimitBytes',
  KUBENTLY_RESULT_BODY_LIMIT_BYTES: 'resultBodyLimitBytes',
  KUBENTLY_AUDIT_MAX_RECORDS: 'auditMaxRecords',
  KUBENTLY_MAX_COMMANDS_IN_FLIGHT_PER_IDENTITY: 'maxCommandsInFlightPerIdentity',
  KUBENTLY_MAX_QUEUED_COMMANDS_PER_CLUSTER: 'maxQueuedCommandsPerCluster',
  KUBENTLY_MAX_RESULT_BYTES_PER_IDENTITY: 'maxResultBytesPerIdentity',
  KUBENTLY_MAX_RESULT_BYTES_TOTAL: 'maxResultBytesTotal',
  KUBENTLY_SHUTDOWN_TIMEOUT_MS: 'shutdownTimeoutMs',
  KUBENTLY_REDIS_URL: 'redisUrl',
  KUBENTLY_REDIS_PREFIX: 'redisPrefix',
  KUBENTLY_REDIS_OUTAGE_GRACE_MS: 'redisOutageGraceMs',
  KUBENTLY_REDIS_OUTAGE_MAX_CALLS: 'redisOutageMaxCalls',
  KUBENTLY_REDIS_OUTAGE_MAX_BYTES: 'redisOutageMaxBytes',
  KUBENTLY_PUBLIC_URL: 'publicUrl',
  KUBENTLY_TRUSTED_PROXIES: 'trustedProxies',
  KUBENTLY_AUTH_FAILURE_LIMIT: 'authFailureLimit',
  KUBENTLY_METRICS_PORT: 'metricsPort',
  KUBENTLY_METRICS_HOST: 'metricsHost',
  KUBENTLY_METRICS_TOKEN: 'metricsToken',
  KUBENTLY_METRICS_MAX_CLUSTERS: 'metricsMaxClusters',
  KUBENTLY_RATE_LIMITS: 'rateLimitsPerRole',
  KUBENTLY_SERVICE_RATE_LIMIT: 'serviceRateLimit',
  KUBENTLY_TLS_CERT_FILE: 'tlsCertFile',
  KUBENTLY_TLS_KEY_FILE: 'tlsKeyFile',
  KUBENTLY_TLS_RELOAD_SECONDS: 'tlsReloadSeconds',
  KUBENTLY_TLS_TERMINATED_BY_PROXY: 'tlsTerminatedByProxy',
} as const;

/** The environment variable that sets a config field (for messages that say how to change it). */
export const variableOf = (field: keyof ServerConfig): string => {
  for (const [variable, filled] of Object.entries(variables)) if (filled === field) return variable;
  return field;
};

const integer = (min: number, max: number, example: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { message: `must be a whole number, e.g. ${example}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { message: `must be at least ${min}` })
        .max(max, { message: `must be at most ${max}` }),
    );

const fieldSchemas = {
  host: z.string().trim().min(1, { message: 'must not be empty, e.g. 127.0.0.1 or 0.0.0.0' }),
  port: integer(0, 65_535, '8080 (0 picks a free port)'),
  apiKeys: z.string().transform((value, context) => {
    try {
      return parseApiKeys(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  }),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'must be one of fatal, error, warn, info, debug, trace, silent',
  }),
  tokenOverlapSeconds: integer(0, 30 * 86_400, '300'),
  resultTtlSeconds: integer(1, 7 * 86_400, '600'),
  keepaliveSeconds: integer(1, 3600, '15'),
  executorGraceMs: integer(0, 300_000, '5000'),
  redeliveryGraceMs: integer(0, 3_600_000, '10000'),
  sessionTtlSeconds: integer(10, 86_400, '300'),
  requestBodyLimitBytes: integer(1024, 64 * 1024 * 1024, '65536'),
  resultBodyLimitBytes: integer(1024, 256 * 1024 * 1024, '4194304'),
  auditMaxRecords: integer(1, 10_000_000, '10000'),
  maxCommandsInFlightPerIdentity: integer(1, 10_000, '16'),
  maxQueuedCommandsPerCluster: integer(1, 1_000_000, '100'),
  maxResultBytesPerIdentity: integer(1024, 2 ** 40, '67108864'),
  maxResultBytesTotal: integer(1024, 2 ** 40, '268435456'),
  shutdownTimeoutMs: integer(0, 600_000, '5000'),
  redisOutageGraceMs: integer(0, 300_000, '10000 (0 fails every call at once during an outage)'),
  redisOutageMaxCalls: integer(1, 1_000_000, '1000'),
  redisOutageMaxBytes: integer(1024, 2 ** 32, '16777216'),
  redisUrl: z
    .string()
    .trim()
    .regex(/^rediss?(\+sentinel|\+cluster)?:\/\/[^/]+/, {
      message:
        'must be a Redis URL: redis://host:6379, rediss://host:6380, redis+sentinel://h1:26379,h2:26379/mymaster or redis+cluster://h1:7000,h2:7001',
    }),
  publicUrl: z
    .string()
    .trim()
    .regex(/^https?:\/\/[^/\s]+(\/[^\s]*)?$/, {
      message: 'must be an http(s) URL such as https://kubently.example.com (no trailing slash needed)',
    })
    .transform((value) => value.replace(/\/+$/, '')),
  trustedProxies: z.string().transform((value, context) => {
    const entries = value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    for (const entry of entries) {
      if (!isAddressOrRange(entry)) {
        context.addIssue({
          code: 'custom',
          message: `"${entry}" is not an IP address or CIDR range; list the proxies in front of the server, e.g. 10.0.0.0/8,127.0.0.1`,
        });
        return z.NEVER;
      }
    }
    return entries;
  }),
  authFailureLimit: integer(1, 1_000_000, '10'),
  metricsPort: integer(0, 65_535, '9090 (0 picks a free port)'),
  metricsHost: z.string().trim().min(1, { message: 'must not be empty, e.g. 0.0.0.0' }),
  metricsToken: z
    .string()
    .trim()
    .min(16, { message: 'must be at least 16 characters; use a long random token' })
    .regex(/^[\x21-\x7e]+$/, { message: 'must be printable ASCII without spaces' }),
  metricsMaxClusters: integer(1, 100_000, '100'),
  rateLimitsPerRole: z.string().transform((value, context) => {
    const limits: Partial<Record<Role, number>> = {};
    for (const entry of value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')) {
      const [role, count, extra] = entry.split('=');
      const parsedRole = roleSchema.safeParse(role);
      if (!parsedRole.success || extra !== undefined || !/^\d{1,7}$/.test(count ?? '') || Number(count) < 1) {
        context.addIssue({
          code: 'custom',
          message: `entry "${entry}" must look like <admin|operator|viewer>=<requests a minute>, e.g. admin=1200,operator=600,viewer=300`,
        });
        return z.NEVER;
      }
      limits[parsedRole.data] = Number(count);
    }
    return limits;
  }),
  serviceRateLimit: integer(1, 10_000_000, '600'),
  tlsCertFile: z.string().trim().min(1),
  tlsKeyFile: z.string().trim().min(1),
  tlsReloadSeconds: integer(1, 86_400, '10'),
  tlsTerminatedByProxy: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .transform((v) => v === 'true'),
  redisPrefix: z.string().regex(/^[^{}\s]{1,64}$/, {
    message: 'must be 1-64 characters without spaces or braces, e.g. kubently:',
  }),
} as const;

const isAddressOrRange = (entry: string): boolean => {
  const [address = '', prefix, extra] = entry.split('/');
  if (extra !== undefined) return false;
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : 0;
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
};

const loopbackHosts = new Set(['localhost', '::1', '[::1]']);

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export const isLoopbackHost = (host: string): boolean =>
  loopbackHosts.has(host.toLowerCase()) || (isIPv4(host) && host.startsWith('127.'));

/**
 * Checks that need the whole configuration (start() runs it, after flags have overridden the
 * environment). Beyond loopback the server must know its public URL: the A2A agent card and
 * other absolute links are written from it, never from a request's Host header.
 */
export const checkListenConfig = (config: ServerConfig): void => {
  if ((config.tlsCertFile === null) !== (config.tlsKeyFile === null)) {
    const missing = config.tlsCertFile === null ? 'KUBENTLY_TLS_CERT_FILE' : 'KUBENTLY_TLS_KEY_FILE';
    throw new ConfigError(
      missing,
      'must be set too: HTTPS needs both the certificate (chain) file and its private key file, PEM',
    );
  }
  if (config.publicUrl === null && !isLoopbackHost(config.host)) {
    throw new ConfigError(
      'KUBENTLY_PUBLIC_URL',
      `must be set when the server listens beyond loopback (KUBENTLY_HOST=${config.host}): set it to the URL clients reach the server at, e.g. https://kubently.example.com; the A2A agent card and links are built from it, never from the request's Host header`,
    );
  }
};

/**
 * `identity:key[:role]` entries separated by commas; role defaults to admin (keys from the
 * environment belong to the operator of the deployment).
 */
export const parseApiKeys = (value: string): ApiKeyEntry[] => {
  const entries: ApiKeyEntry[] = [];
  const identities = new Set<string>();
  for (const raw of value.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const parts = item.split(':');
    const [identity, key, role = 'admin'] = parts;
    if (parts.length > 3 || identity === undefined || key === undefined || identity === '' || key === '') {
      throw new Error(
        `entry ${entries.length + 1} must look like "identity:key" or "identity:key:role", e.g. "ci:s3cret:operator"`,
      );
    }
    const parsedRole = roleSchema.safeParse(role);
    if (!parsedRole.success) {
      throw new Error(`entry "${identity}" has role "${role}"; use admin, operator or viewer`);
    }
    if (key.length < 16) {
      throw new Error(`the key of "${identity}" is shorter than 16 characters; use a long random key`);
    }
    if (identities.has(identity))
      throw new Error(`identity "${identity}" appears twice; give each key its own identity`);
    identities.add(identity);
    entries.push({ identity, key, role: parsedRole.data });
  }
  return entries;
};

export type ConfigOverrides = { readonly [K in keyof ServerConfig]?: ServerConfig[K] | undefined };

/** Defaults plus overrides (used by `start()` callers such as the CLI), frozen. */
export const createConfig = (overrides: ConfigOverrides = {}): ServerConfig => {
  const merged: Record<string, unknown> = { ...defaultServerConfig };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) merged[key] = value;
  const config = merged as unknown as ServerConfig;
  return Object.freeze({
    ...config,
    apiKeys: Object.freeze([...config.apiKeys]),
    trustedProxies: Object.freeze([...config.trustedProxies]),
  });
};

/** Parses the given environment; throws ConfigError naming the variable and the fix. */
export const parseEnvironment = (env: Readonly<Record<string, string | undefined>>): ServerConfig => {
  const overrides: Record<string, unknown> = {};
  for (const [variable, field] of Object.entries(variables) as [
    keyof typeof variables,
    keyof typeof fieldSchemas,
  ][]) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const parsed = fieldSchemas[field].safeParse(raw);
    if (!parsed.success) {
      const isSecret = variable === 'KUBENTLY_API_KEYS' || variable === 'KUBENTLY_METRICS_TOKEN';
      const shown = isSecret ? '' : ` (got "${raw}")`;
      throw new ConfigError(
        variable,
        `${parsed.error.issues.map((issue) => issue.message).join('; ')}${shown}`,
      );
    }
    overrides[field] = parsed.data;
  }
  overrides['agent'] = parseAgentEnvironment(env);
  overrides['tracing'] = parseOtlpTracing(env, 'kubently-server');
  try {
    overrides['notify'] = loadNotifyConfig(env);
  } catch (error) {
    throw new ConfigError(notifyConfigVariable, error instanceof Error ? error.message : String(error));
  }
  try {
    overrides['oidc'] = parseOidcEnvironment(env);
  } catch (error) {
    if (error instanceof OidcConfigError) throw new ConfigError(error.variable, error.message);
    throw error;
  }
  try {
    overrides['callbacks'] = parseCallbackEnvironment(env);
  } catch (error) {
    if (error instanceof CallbackConfigError) throw new ConfigError(error.variable, error.message);
    throw error;
  }
  return createConfig(overrides);
};

/** KUBENTLY_LLM_* and the provider key variables; AgentError becomes ConfigError naming the variable. */
const parseAgentEnvironment = (env: Readonly<Record<string, string | undefined>>): AgentConfig => {
  try {
    return parseAgentConfig(env);
  } catch (error) {
    if (error instanceof AgentError) {
      const variable = error.details['variable'];
      const name = typeof variable === 'string' ? variable : 'KUBENTLY_LLM_PROVIDER';
      throw new ConfigError(
        name,
        error.message.startsWith(`${name} `) ? error.message.slice(name.length + 1) : error.message,
      );
    }
    throw error;
  }
};

/** The composition root's one read of the process environment. */
export const readEnvironment = (): ServerConfig => parseEnvironment(process.env);
