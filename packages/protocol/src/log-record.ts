import { z } from 'zod';

/**
 * One JSON log shape for the server and the executor (seed field names): code logs camelCase
 * fields, and each app's logger renames them here on the way out, so a log pipeline sees the same
 * keys from every process. `durationMs` is whatever the line measures (a command's run, a diagnosis).
 */
export const logFieldNames = {
  correlationId: 'correlation_id',
  clusterId: 'cluster_id',
  sessionId: 'session_id',
  commandId: 'command_id',
  executorId: 'executor_id',
  durationMs: 'execution_time_ms',
} as const satisfies Readonly<Record<string, string>>;

const renamed: ReadonlyMap<string, string> = new Map(Object.entries(logFieldNames));

/** The fields of one log call with their seed names (a new object; the input is not changed). */
export const toLogFields = (fields: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) out[renamed.get(key) ?? key] = value;
  return out;
};

export const logServices = ['kubently-server', 'kubently-executor'] as const;
export type LogService = (typeof logServices)[number];

/**
 * The options both apps give pino (structurally; protocol does not depend on pino): `timestamp` as
 * ISO 8601, `level` as its name, `service` on every line, fields renamed by `toLogFields`.
 */
export const jsonLogFormat = (service: LogService) => ({
  base: { service },
  messageKey: 'msg',
  timestamp: (): string => `,"timestamp":"${new Date().toISOString()}"`,
  formatters: {
    level: (label: string): Record<string, unknown> => ({ level: label }),
    bindings: (bindings: Record<string, unknown>): Record<string, unknown> => {
      // pino's own pid/hostname are dropped: the platform labels lines with the pod already.
      const { pid: _pid, hostname: _hostname, ...rest } = bindings;
      return toLogFields(rest);
    },
    log: (fields: Record<string, unknown>): Record<string, unknown> => toLogFields(fields),
  },
});

/** Every line either app writes: the common keys, then whatever the line is about. */
export const logRecordSchema = z
  .object({
    timestamp: z.iso.datetime(),
    level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']),
    service: z.enum(logServices),
    msg: z.string(),
    correlation_id: z.string().optional(),
    cluster_id: z.string().optional(),
    session_id: z.string().optional(),
    command_id: z.string().optional(),
    executor_id: z.string().optional(),
    argv: z.array(z.string()).optional(),
    execution_time_ms: z.number().nonnegative().optional(),
  })
  .loose();
export type LogRecord = z.infer<typeof logRecordSchema>;
