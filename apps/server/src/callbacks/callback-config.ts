import { z } from 'zod';

/** Where the server may POST command callbacks and A2A pushes, and how hard it tries (docs/security-model.md). */
export interface CallbackConfig {
  /** HMAC key every delivery is signed with (KUBENTLY_CALLBACK_SECRET); null: callbacks are refused. */
  readonly secret: string | null;
  /**
   * Host names a callback may target (KUBENTLY_CALLBACK_ALLOWED_HOSTS; `*.example.com` matches
   * subdomains); empty: any host whose addresses pass the network checks.
   */
  readonly allowedHosts: readonly string[];
  /** Plain http:// targets (KUBENTLY_CALLBACK_ALLOW_HTTP; local development only). */
  readonly allowHttp: boolean;
  /**
   * Loopback and private addresses (10/8, 172.16/12, 192.168/16, 100.64/10, 127/8, fc00::/7, ::1)
   * (KUBENTLY_CALLBACK_ALLOW_PRIVATE_NETWORKS). Link-local and metadata addresses stay refused.
   */
  readonly allowPrivateNetworks: boolean;
  /** Attempts per delivery, the first included (KUBENTLY_CALLBACK_MAX_ATTEMPTS, 1-10). */
  readonly maxAttempts: number;
  /** One attempt's time limit, connection to last byte. */
  readonly attemptTimeoutMs: number;
  /** Backoff before attempt n+1: base * 2^(n-1), capped at retryMaxMs. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

export const defaultCallbackConfig: CallbackConfig = Object.freeze({
  secret: null,
  allowedHosts: Object.freeze([]),
  allowHttp: false,
  allowPrivateNetworks: false,
  maxAttempts: 5,
  attemptTimeoutMs: 10_000,
  retryBaseMs: 1000,
  retryMaxMs: 60_000,
});

export class CallbackConfigError extends Error {
  override readonly name = 'CallbackConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

const booleanSchema = z.enum(['true', 'false'], { message: 'must be "true" or "false"' });
const hostPattern = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

const fields = {
  KUBENTLY_CALLBACK_SECRET: z.string().min(32, {
    message: 'must be at least 32 characters; generate one with `openssl rand -hex 32`',
  }),
  KUBENTLY_CALLBACK_ALLOWED_HOSTS: z.string().transform((value, context) => {
    const hosts = value
      .split(',')
      .map((host) => host.trim().toLowerCase())
      .filter((host) => host !== '');
    const bad = hosts.find((host) => !hostPattern.test(host));
    if (bad !== undefined) {
      context.addIssue({
        code: 'custom',
        message: `"${bad}" is not a host name or *.domain pattern, e.g. hooks.example.com,*.ops.example.com`,
      });
      return z.NEVER;
    }
    return hosts;
  }),
  KUBENTLY_CALLBACK_ALLOW_HTTP: booleanSchema,
  KUBENTLY_CALLBACK_ALLOW_PRIVATE_NETWORKS: booleanSchema,
  KUBENTLY_CALLBACK_MAX_ATTEMPTS: z
    .string()
    .regex(/^\d+$/, { message: 'must be a whole number from 1 to 10' })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, { message: 'must be a whole number from 1 to 10' })
        .max(10, { message: 'must be a whole number from 1 to 10' }),
    ),
} as const;

/** KUBENTLY_CALLBACK_*; throws CallbackConfigError naming the variable and the fix. */
export const parseCallbackEnvironment = (
  env: Readonly<Record<string, string | undefined>>,
): CallbackConfig => {
  const read = <K extends keyof typeof fields>(variable: K): z.output<(typeof fields)[K]> | undefined => {
    const raw = env[variable];
    if (raw === undefined || raw === '') return undefined;
    const parsed = fields[variable].safeParse(raw);
    if (!parsed.success) {
      const shown = variable === 'KUBENTLY_CALLBACK_SECRET' ? '' : ` (got "${raw}")`;
      throw new CallbackConfigError(
        variable,
        `${parsed.error.issues.map((issue) => issue.message).join('; ')}${shown}`,
      );
    }
    return parsed.data as z.output<(typeof fields)[K]>;
  };
  return Object.freeze({
    ...defaultCallbackConfig,
    secret: read('KUBENTLY_CALLBACK_SECRET') ?? null,
    allowedHosts: Object.freeze(read('KUBENTLY_CALLBACK_ALLOWED_HOSTS') ?? []),
    allowHttp: read('KUBENTLY_CALLBACK_ALLOW_HTTP') === 'true',
    allowPrivateNetworks: read('KUBENTLY_CALLBACK_ALLOW_PRIVATE_NETWORKS') === 'true',
    maxAttempts: read('KUBENTLY_CALLBACK_MAX_ATTEMPTS') ?? defaultCallbackConfig.maxAttempts,
  });
};
