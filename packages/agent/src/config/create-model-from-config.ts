import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';

import type { ModelConfig } from './agent-config.js';

export interface CreateModelOptions {
  /** Custom fetch (proxies, tests). Defaults to the global fetch. */
  readonly fetch?: typeof globalThis.fetch;
  /** Extra HTTP headers sent with every model request. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Builds the AI SDK language model named by the configuration. Makes no network call. */
export function createModelFromConfig(config: ModelConfig, options: CreateModelOptions = {}): LanguageModel {
  const common = {
    ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
    ...(config.baseUrl === undefined ? {} : { baseURL: config.baseUrl }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.headers === undefined ? {} : { headers: { ...options.headers } }),
  };
  switch (config.provider) {
    case 'openai': {
      const provider = createOpenAI(common);
      return config.openaiApi === 'responses'
        ? provider.responses(config.model)
        : provider.chat(config.model);
    }
    case 'anthropic':
      return createAnthropic(common)(config.model);
    case 'google':
      return createGoogleGenerativeAI(common)(config.model);
    case 'openai-compatible':
      return createOpenAICompatible({
        name: 'openai-compatible',
        baseURL: config.baseUrl ?? '',
        includeUsage: true,
        ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        ...(options.headers === undefined ? {} : { headers: { ...options.headers } }),
      }).chatModel(config.model);
  }
}
