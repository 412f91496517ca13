import { z } from 'zod';

import { AgentError } from '../agent-error.js';

export const providers = ['openai', 'anthropic', 'google', 'openai-compatible'] as const;
export type Provider = (typeof providers)[number];

/** USD per million tokens, used for the per-run cost estimate. */
export interface PriceTable {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
}

/** Everything needed to build the language model. Absent when no provider is configured. */
export interface ModelConfig {
  readonly provider: Provider;
  readonly model: string;
  readonly apiKey: string | undefined;
  readonly baseUrl: string | undefined;
  /** OpenAI only: `chat` (Chat Completions, default, widest compatibility) or `responses`. */
  readonly openaiApi: 'chat' | 'responses';
}

/** The agent's frozen configuration, produced only by `parseAgentConfig`. */
export interface AgentConfig {
  /** `null`: engine-only mode (answers come from the diagnosis engine). */
  readonly model: ModelConfig | null;
  readonly temperature: number | undefined;
  /** Model calls per run (each call may run several tools). */
  readonly maxSteps: number;
  /** Input + output tokens per run; when reached, the model must answer without further tools. */
  readonly maxTokens: number;
  /** Output tokens per model call. */
  readonly maxOutputTokens: number;
  /** Characters of one tool result shown to the model before the truncation marker. */
  readonly toolOutputChars: number;
  /** Messages of conversation memory kept and sent back to the model. */
  readonly historyMessages: number;
  readonly price: PriceTable | null;
}

/** Input of `parseAgentConfig`: environment-style variables (the apps pass `process.env`). */
export type AgentEnvironment = Readonly<Record<string, string | undefined>>;

const defaultModels: Readonly<Record<Provider, string | undefined>> = {
  openai: 'gpt-4.1-mini',
  anthropic: 'claude-sonnet-4-5',
  google: 'gemini-2.5-flash',
  'openai-compatible': undefined,
};

const keyVariables: Readonly<Record<Provider, string>> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  google: 'GOOGLE_GENERATIVE_AI_API_KEY',
  'openai-compatible': 'KUBENTLY_LLM_API_KEY',
};

const blankToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const integer = (min: number, max: number, fallback: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: `must be a whole number from ${min} to ${max}` })
      .int(`must be a whole number from ${min} to ${max}`)
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .default(fallback),
  );

const price = z.preprocess(
  blankToUndefined,
  z.coerce.number({ error: 'must be a number of US dollars' }).min(0, 'must not be negative').optional(),
);

const environmentSchema = z.object({
  KUBENTLY_LLM_PROVIDER: z.preprocess(
    (value) => (typeof value === 'string' ? blankToUndefined(value.trim().toLowerCase()) : value),
    z
      .enum(providers, { error: `must be one of ${providers.join(', ')} (or unset for engine-only mode)` })
      .optional(),
  ),
  KUBENTLY_LLM_MODEL: z.preprocess(blankToUndefined, z.string().trim().min(1).max(200).optional()),
  KUBENTLY_LLM_BASE_URL: z.preprocess(
    blankToUndefined,
    z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:11434/v1' })
      .optional(),
  ),
  KUBENTLY_LLM_OPENAI_API: z.preprocess(
    blankToUndefined,
    z.enum(['chat', 'responses'], { error: 'must be chat or responses' }).default('chat'),
  ),
  KUBENTLY_LLM_TEMPERATURE: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: 'must be a number from 0 to 2' })
      .min(0, 'must be at least 0')
      .max(2, 'must be at most 2')
      .optional(),
  ),
  KUBENTLY_LLM_MAX_STEPS: integer(1, 50, 12),
  KUBENTLY_LLM_MAX_TOKENS: integer(1_000, 10_000_000, 200_000),
  KUBENTLY_LLM_MAX_OUTPUT_TOKENS: integer(64, 200_000, 4_096),
  KUBENTLY_LLM_TOOL_OUTPUT_CHARS: integer(500, 200_000, 12_000),
  KUBENTLY_LLM_HISTORY_MESSAGES: integer(0, 1_000, 40),
  KUBENTLY_LLM_PRICE_INPUT_PER_MTOK: price,
  KUBENTLY_LLM_PRICE_OUTPUT_PER_MTOK: price,
  KUBENTLY_LLM_API_KEY: z.preprocess(blankToUndefined, z.string().optional()),
  OPENAI_API_KEY: z.preprocess(blankToUndefined, z.string().optional()),
  ANTHROPIC_API_KEY: z.preprocess(blankToUndefined, z.string().optional()),
  GOOGLE_GENERATIVE_AI_API_KEY: z.preprocess(blankToUndefined, z.string().optional()),
});
type Environment = z.infer<typeof environmentSchema>;

function invalid(variable: string, message: string): AgentError {
  return new AgentError('validation_failed', `${variable} ${message}`, { details: { variable } });
}

function modelConfig(env: Environment): ModelConfig | null {
  const provider = env.KUBENTLY_LLM_PROVIDER;
  if (provider === undefined) {
    if (env.KUBENTLY_LLM_MODEL !== undefined || env.KUBENTLY_LLM_BASE_URL !== undefined) {
      throw invalid(
        'KUBENTLY_LLM_PROVIDER',
        'is not set but KUBENTLY_LLM_MODEL or KUBENTLY_LLM_BASE_URL is: set KUBENTLY_LLM_PROVIDER to openai, anthropic, google or openai-compatible',
      );
    }
    return null;
  }
  const model = env.KUBENTLY_LLM_MODEL ?? defaultModels[provider];
  if (model === undefined) {
    throw invalid(
      'KUBENTLY_LLM_MODEL',
      `is required for provider ${provider}: set it to the model name the endpoint serves (e.g. "llama3.1" for Ollama)`,
    );
  }
  if (provider === 'openai-compatible' && env.KUBENTLY_LLM_BASE_URL === undefined) {
    throw invalid(
      'KUBENTLY_LLM_BASE_URL',
      'is required for provider openai-compatible: set it to the endpoint base URL (e.g. http://127.0.0.1:11434/v1 for Ollama)',
    );
  }
  const variable = keyVariables[provider];
  const apiKey =
    env.KUBENTLY_LLM_API_KEY ??
    (provider === 'openai-compatible' ? undefined : env[variable as keyof Environment]);
  if (apiKey === undefined && provider !== 'openai-compatible') {
    throw invalid(
      variable,
      `is not set but KUBENTLY_LLM_PROVIDER is ${provider}: set ${variable} (or KUBENTLY_LLM_API_KEY) to your API key, or unset KUBENTLY_LLM_PROVIDER to answer from the diagnosis engine only`,
    );
  }
  return Object.freeze({
    provider,
    model,
    apiKey: typeof apiKey === 'string' ? apiKey : undefined,
    baseUrl: env.KUBENTLY_LLM_BASE_URL,
    openaiApi: env.KUBENTLY_LLM_OPENAI_API,
  });
}

/**
 * Parses the agent configuration from environment-style variables. Throws an `AgentError`
 * (`validation_failed`, `details.variable`) naming the variable and the fix. No provider → engine-only
 * mode (`model: null`). The package never reads `process.env` itself.
 */
export function parseAgentConfig(env: AgentEnvironment): AgentConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'configuration');
    const value = env[variable];
    throw invalid(
      variable,
      `${issue?.message ?? 'is invalid'}${value === undefined ? '' : ` (got "${variable.endsWith('_KEY') ? '***' : value}")`}`,
    );
  }
  const value = parsed.data;
  const inputPrice = value.KUBENTLY_LLM_PRICE_INPUT_PER_MTOK;
  const outputPrice = value.KUBENTLY_LLM_PRICE_OUTPUT_PER_MTOK;
  if ((inputPrice === undefined) !== (outputPrice === undefined)) {
    throw invalid(
      inputPrice === undefined ? 'KUBENTLY_LLM_PRICE_INPUT_PER_MTOK' : 'KUBENTLY_LLM_PRICE_OUTPUT_PER_MTOK',
      'is missing: set both KUBENTLY_LLM_PRICE_INPUT_PER_MTOK and KUBENTLY_LLM_PRICE_OUTPUT_PER_MTOK (US dollars per million tokens), or neither',
    );
  }
  return Object.freeze({
    model: modelConfig(value),
    temperature: value.KUBENTLY_LLM_TEMPERATURE,
    maxSteps: value.KUBENTLY_LLM_MAX_STEPS,
    maxTokens: value.KUBENTLY_LLM_MAX_TOKENS,
    maxOutputTokens: value.KUBENTLY_LLM_MAX_OUTPUT_TOKENS,
    toolOutputChars: value.KUBENTLY_LLM_TOOL_OUTPUT_CHARS,
    historyMessages: value.KUBENTLY_LLM_HISTORY_MESSAGES,
    price:
      inputPrice === undefined || outputPrice === undefined
        ? null
        : Object.freeze({ inputPerMillion: inputPrice, outputPerMillion: outputPrice }),
  });
}
