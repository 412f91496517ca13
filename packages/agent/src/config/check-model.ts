import type { ModelConfig } from './agent-config.js';

/** What a quick look at the provider found; never throws. */
export type ModelCheck =
  | { readonly type: 'reachable'; readonly url: string }
  | { readonly type: 'rejected'; readonly url: string; readonly status: number }
  | { readonly type: 'unreachable'; readonly url: string; readonly message: string };

export interface CheckModelOptions {
  readonly fetch?: typeof globalThis.fetch;
  /** Default 3 s: a startup check must not hold a command up. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

const defaultBaseUrls = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  google: 'https://generativelanguage.googleapis.com/v1beta',
  'openai-compatible': undefined,
} as const;

/** "openai gpt-4o" or "openai-compatible qwen at http://127.0.0.1:11434/v1", for banners. */
export function describeModel(config: ModelConfig): string {
  return `${config.provider} ${config.model}${config.baseUrl === undefined ? '' : ` at ${config.baseUrl}`}`;
}

const authHeaders = (config: ModelConfig): Record<string, string> => {
  if (config.apiKey === undefined) return {};
  switch (config.provider) {
    case 'anthropic':
      return { 'x-api-key': config.apiKey, 'anthropic-version': '2023-06-01' };
    case 'google':
      return { 'x-goog-api-key': config.apiKey };
    case 'openai':
    case 'openai-compatible':
      return { authorization: `Bearer ${config.apiKey}` };
  }
};

/**
 * One cheap request (`GET {base}/models`, no tokens spent) to tell a typo'd base URL, a stopped
 * Ollama or a wrong key apart from a working provider before the first question. Any HTTP answer
 * but 401/403 counts as reachable: some compatible servers do not list models.
 */
export async function checkModel(config: ModelConfig, options: CheckModelOptions = {}): Promise<ModelCheck> {
  const base = (config.baseUrl ?? defaultBaseUrls[config.provider] ?? '').replace(/\/+$/, '');
  const url = `${base}/models`;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 3_000);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  try {
    const response = await (options.fetch ?? globalThis.fetch)(url, { headers: authHeaders(config), signal });
    await response.body?.cancel();
    if (response.status === 401 || response.status === 403)
      return { type: 'rejected', url, status: response.status };
    return { type: 'reachable', url };
  } catch (error) {
    const message = timeout.aborted
      ? `no answer within ${String((options.timeoutMs ?? 3_000) / 1000)} s`
      : error instanceof Error
        ? ((error.cause as { message?: string } | undefined)?.message ?? error.message)
        : String(error);
    return { type: 'unreachable', url, message };
  }
}
