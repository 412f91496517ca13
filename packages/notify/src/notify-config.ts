import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { notificationSeverities } from './notification.js';

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes (e.g. "ops-slack")');
const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const secret = z.string().min(1, 'must not be empty');

const webhookSink = z
  .object({
    name,
    type: z.literal('webhook'),
    url,
    /** HMAC-SHA256 key; receivers verify X-Kubently-Signature with it (docs/notifications.md). */
    secret: secret.min(16, 'must be at least 16 characters (use `openssl rand -hex 32`)'),
    headers: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const slackSink = z
  .object({
    name,
    type: z.literal('slack'),
    /** An incoming webhook (no threads), or... */
    webhookUrl: url.optional(),
    /** ...a bot token with chat:write and the channel (threads replies under the first message). */
    botToken: secret.optional(),
    channel: z.string().min(1).optional(),
    /** Web API base; tests point it at a local receiver. */
    apiUrl: url.default('https://slack.com/api'),
  })
  .strict()
  .refine((sink) => (sink.webhookUrl === undefined) !== (sink.botToken === undefined), {
    message: 'set exactly one of webhookUrl (incoming webhook) or botToken (with channel)',
  })
  .refine((sink) => sink.botToken === undefined || sink.channel !== undefined, {
    message: 'a botToken needs a channel (the channel id, e.g. C0123456789)',
    path: ['channel'],
  });

const teamsSink = z
  .object({
    name,
    type: z.literal('teams'),
    /** The workflow's "When a Teams webhook request is received" URL. */
    url,
  })
  .strict();

const pagerDutySink = z
  .object({
    name,
    type: z.literal('pagerduty'),
    /** The integration key of an Events API v2 integration. */
    routingKey: secret,
    url: url.default('https://events.pagerduty.com/v2/enqueue'),
  })
  .strict();

const emailSink = z
  .object({
    name,
    type: z.literal('email'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    /** starttls (default): plain connect, then STARTTLS, which is required; tls: implicit TLS (465). */
    security: z.enum(['starttls', 'tls']).default('starttls'),
    username: z.string().min(1).optional(),
    password: secret.optional(),
    from: z.email({ error: 'must be an e-mail address' }),
    to: z.array(z.email({ error: 'must be an e-mail address' })).min(1, 'name at least one recipient'),
    /** A PEM CA bundle to trust for the SMTP server's certificate (private CAs). */
    caFile: z.string().min(1).optional(),
  })
  .strict()
  .refine((sink) => (sink.username === undefined) === (sink.password === undefined), {
    message: 'set both username and password, or neither',
    path: ['password'],
  });

export const sinkSchema = z.discriminatedUnion('type', [
  webhookSink,
  slackSink,
  teamsSink,
  pagerDutySink,
  emailSink,
]);
export type SinkConfig = z.infer<typeof sinkSchema>;
export type SinkType = SinkConfig['type'];

const routeSchema = z
  .object({
    sinks: z.array(name).min(1, 'name at least one sink'),
    /** Findings at least this severe (default: every severity). */
    minSeverity: z.enum(notificationSeverities).optional(),
    clusters: z.array(z.string().min(1)).min(1).optional(),
    namespaces: z.array(z.string()).min(1).optional(),
    rules: z.array(z.string().min(1)).min(1).optional(),
    sources: z
      .array(z.enum(['watch', 'alertmanager']))
      .min(1)
      .optional(),
  })
  .strict();
export type RouteConfig = z.infer<typeof routeSchema>;

const watchTargetSchema = z
  .object({
    cluster: z.string().min(1),
    /** Omit to watch every namespace. */
    namespaces: z.array(z.string().min(1)).min(1).max(100).optional(),
    intervalSeconds: z.number().int().min(10, 'at least 10 (bounded cost per cluster)').optional(),
  })
  .strict();

const watchSchema = z
  .object({
    intervalSeconds: z.number().int().min(10, 'at least 10 (bounded cost per cluster)').default(60),
    /** Each check starts up to this fraction of the interval late, so clusters do not align. */
    jitter: z.number().min(0).max(0.5).default(0.1),
    targets: z.array(watchTargetSchema).default([]),
  })
  .strict();
export type WatchConfig = z.infer<typeof watchSchema>;

const deliverySchema = z
  .object({
    attempts: z.number().int().min(1).max(20).default(5),
    initialBackoffMs: z.number().int().min(0).default(1000),
    maxBackoffMs: z.number().int().min(0).default(60_000),
    timeoutMs: z.number().int().min(100).default(10_000),
  })
  .strict();
export type DeliveryConfig = z.infer<typeof deliverySchema>;

export const notifyConfigSchema = z
  .object({
    sinks: z.array(sinkSchema).default([]),
    routes: z.array(routeSchema).default([]),
    /**
     * A finding missing for less than this is still the same episode (no resolve notice, no new
     * trigger when it comes back); it resolves once it has been missing this long.
     */
    flapWindowSeconds: z.number().int().min(0).default(300),
    delivery: deliverySchema.default({
      attempts: 5,
      initialBackoffMs: 1000,
      maxBackoffMs: 60_000,
      timeoutMs: 10_000,
    }),
    watch: watchSchema.default({ intervalSeconds: 60, jitter: 0.1, targets: [] }),
  })
  .strict();
export type NotifyConfig = z.infer<typeof notifyConfigSchema>;

/** A configuration file that cannot be used; the message names the field and the fix. */
export class NotifyConfigError extends Error {
  override readonly name = 'NotifyConfigError';
}

const pathOf = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (text, part) =>
      typeof part === 'number' ? `${text}[${part}]` : text === '' ? String(part) : `${text}.${String(part)}`,
    '',
  );

/** Replaces `${NAME}` in every string with the environment's value, so secrets stay out of the file. */
const interpolate = (
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  at: string,
): unknown => {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, variable: string) => {
      const found = env[variable];
      if (found === undefined || found === '') {
        throw new NotifyConfigError(
          `${at}: environment variable ${variable} is not set; set it or write the value`,
        );
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolate(item, env, `${at}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        interpolate(item, env, at === '' ? key : `${at}.${key}`),
      ]),
    );
  }
  return value;
};

/**
 * Parses the YAML named by KUBENTLY_NOTIFY_CONFIG: `${VAR}` taken from `env`, the schema checked,
 * sink names unique and every route's sinks defined. Throws NotifyConfigError naming the file, the
 * field and the fix.
 */
export const parseNotifyConfig = (
  text: string,
  options: { readonly source: string; readonly env: Readonly<Record<string, string | undefined>> },
): NotifyConfig => {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new NotifyConfigError(
      `${options.source}: not valid YAML (${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)})`,
    );
  }
  let expanded: unknown;
  try {
    expanded = interpolate(raw ?? {}, options.env, '');
  } catch (error) {
    throw new NotifyConfigError(
      `${options.source}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = notifyConfigSchema.safeParse(expanded);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${pathOf(issue.path) || '(top level)'}: ${issue.message}`,
    );
    throw new NotifyConfigError(`${options.source}: ${problems.join('; ')} (see docs/notifications.md)`);
  }
  const config = parsed.data;
  const names = new Set<string>();
  config.sinks.forEach((sink, index) => {
    if (names.has(sink.name)) {
      throw new NotifyConfigError(
        `${options.source}: sinks[${index}].name: "${sink.name}" is used twice; give each sink its own name`,
      );
    }
    names.add(sink.name);
  });
  config.routes.forEach((route, index) => {
    route.sinks.forEach((sink, position) => {
      if (!names.has(sink)) {
        throw new NotifyConfigError(
          `${options.source}: routes[${index}].sinks[${position}]: no sink is named "${sink}"; define it under sinks or fix the name`,
        );
      }
    });
  });
  return config;
};
