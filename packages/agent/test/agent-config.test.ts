import { AgentError, createModelFromConfig, parseAgentConfig } from '@kubently/agent';
import { describe, expect, it } from 'vitest';

function errorOf(env: Record<string, string>): AgentError {
  try {
    parseAgentConfig(env);
  } catch (error) {
    if (error instanceof AgentError) return error;
    throw error;
  }
  throw new Error('expected parseAgentConfig to throw');
}

describe('parseAgentConfig', () => {
  it('without a provider selects engine-only mode with defaults', () => {
    const config = parseAgentConfig({ PATH: '/usr/bin' });
    expect(config).toEqual({
      model: null,
      temperature: undefined,
      maxSteps: 12,
      maxTokens: 200_000,
      maxOutputTokens: 4_096,
      toolOutputChars: 12_000,
      historyMessages: 40,
      price: null,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable', () => {
    const config = parseAgentConfig({
      KUBENTLY_LLM_PROVIDER: ' Anthropic ',
      KUBENTLY_LLM_MODEL: 'claude-x',
      KUBENTLY_LLM_BASE_URL: 'https://proxy.internal/v1',
      ANTHROPIC_API_KEY: 'a-key',
      KUBENTLY_LLM_TEMPERATURE: '0.2',
      KUBENTLY_LLM_MAX_STEPS: '8',
      KUBENTLY_LLM_MAX_TOKENS: '50000',
      KUBENTLY_LLM_MAX_OUTPUT_TOKENS: '2048',
      KUBENTLY_LLM_TOOL_OUTPUT_CHARS: '6000',
      KUBENTLY_LLM_HISTORY_MESSAGES: '10',
      KUBENTLY_LLM_PRICE_INPUT_PER_MTOK: '3',
      KUBENTLY_LLM_PRICE_OUTPUT_PER_MTOK: '15',
    });
    expect(config).toEqual({
      model: {
        provider: 'anthropic',
        model: 'claude-x',
        apiKey: 'a-key',
        baseUrl: 'https://proxy.internal/v1',
        openaiApi: 'chat',
      },
      temperature: 0.2,
      maxSteps: 8,
      maxTokens: 50_000,
      maxOutputTokens: 2_048,
      toolOutputChars: 6_000,
      historyMessages: 10,
      price: { inputPerMillion: 3, outputPerMillion: 15 },
    });
  });

  it('KUBENTLY_LLM_API_KEY overrides the provider key and default models apply', () => {
    const config = parseAgentConfig({
      KUBENTLY_LLM_PROVIDER: 'google',
      GOOGLE_GENERATIVE_AI_API_KEY: 'g',
      KUBENTLY_LLM_API_KEY: 'override',
    });
    expect(config.model).toMatchObject({ provider: 'google', model: 'gemini-2.5-flash', apiKey: 'override' });
  });

  it.each([
    [
      { KUBENTLY_LLM_PROVIDER: 'openai' },
      'OPENAI_API_KEY',
      /OPENAI_API_KEY is not set but KUBENTLY_LLM_PROVIDER is openai/,
    ],
    [
      { KUBENTLY_LLM_PROVIDER: 'anthropic', OPENAI_API_KEY: 'x' },
      'ANTHROPIC_API_KEY',
      /set ANTHROPIC_API_KEY \(or KUBENTLY_LLM_API_KEY\)/,
    ],
    [
      { KUBENTLY_LLM_PROVIDER: 'google' },
      'GOOGLE_GENERATIVE_AI_API_KEY',
      /GOOGLE_GENERATIVE_AI_API_KEY is not set/,
    ],
    [
      { KUBENTLY_LLM_PROVIDER: 'mistral' },
      'KUBENTLY_LLM_PROVIDER',
      /must be one of openai, anthropic, google, openai-compatible.*got "mistral"/,
    ],
    [
      { KUBENTLY_LLM_PROVIDER: 'openai-compatible', KUBENTLY_LLM_BASE_URL: 'http://127.0.0.1:11434/v1' },
      'KUBENTLY_LLM_MODEL',
      /KUBENTLY_LLM_MODEL is required for provider openai-compatible/,
    ],
    [
      { KUBENTLY_LLM_PROVIDER: 'openai-compatible', KUBENTLY_LLM_MODEL: 'llama3.1' },
      'KUBENTLY_LLM_BASE_URL',
      /KUBENTLY_LLM_BASE_URL is required.*11434/,
    ],
    [
      { KUBENTLY_LLM_MODEL: 'gpt-4o' },
      'KUBENTLY_LLM_PROVIDER',
      /KUBENTLY_LLM_PROVIDER is not set but KUBENTLY_LLM_MODEL/,
    ],
    [{ KUBENTLY_LLM_BASE_URL: 'ftp://x' }, 'KUBENTLY_LLM_BASE_URL', /must be an http\(s\) URL/],
    [
      { KUBENTLY_LLM_MAX_STEPS: 'ten' },
      'KUBENTLY_LLM_MAX_STEPS',
      /KUBENTLY_LLM_MAX_STEPS must be a whole number from 1 to 50 \(got "ten"\)/,
    ],
    [{ KUBENTLY_LLM_MAX_STEPS: '0' }, 'KUBENTLY_LLM_MAX_STEPS', /must be at least 1/],
    [{ KUBENTLY_LLM_TEMPERATURE: '3' }, 'KUBENTLY_LLM_TEMPERATURE', /must be at most 2/],
    [{ KUBENTLY_LLM_PRICE_INPUT_PER_MTOK: '1' }, 'KUBENTLY_LLM_PRICE_OUTPUT_PER_MTOK', /set both/],
    [
      { KUBENTLY_LLM_PRICE_INPUT_PER_MTOK: '-1', KUBENTLY_LLM_PRICE_OUTPUT_PER_MTOK: '1' },
      'KUBENTLY_LLM_PRICE_INPUT_PER_MTOK',
      /must not be negative/,
    ],
  ])('rejects %j naming %s', (env, variable, message) => {
    const error = errorOf(env);
    expect(error.code).toBe('validation_failed');
    expect(error.details).toEqual({ variable });
    expect(error.message).toMatch(message);
  });

  it('never echoes a key value in an error', () => {
    const error = errorOf({
      KUBENTLY_LLM_PROVIDER: 'openai',
      OPENAI_API_KEY: 'sk-secret-value',
      KUBENTLY_LLM_MAX_TOKENS: 'many',
    });
    expect(error.message).not.toContain('sk-secret-value');
    expect(error.details).toEqual({ variable: 'KUBENTLY_LLM_MAX_TOKENS' });
  });
});

describe('createModelFromConfig', () => {
  it.each([
    [{ KUBENTLY_LLM_PROVIDER: 'openai', OPENAI_API_KEY: 'k' }, 'openai.chat', 'gpt-4.1-mini'],
    [
      { KUBENTLY_LLM_PROVIDER: 'openai', OPENAI_API_KEY: 'k', KUBENTLY_LLM_OPENAI_API: 'responses' },
      'openai.responses',
      'gpt-4.1-mini',
    ],
    [
      { KUBENTLY_LLM_PROVIDER: 'anthropic', ANTHROPIC_API_KEY: 'k' },
      'anthropic.messages',
      'claude-sonnet-4-5',
    ],
    [
      { KUBENTLY_LLM_PROVIDER: 'google', GOOGLE_GENERATIVE_AI_API_KEY: 'k' },
      'google.generative-ai',
      'gemini-2.5-flash',
    ],
    [
      {
        KUBENTLY_LLM_PROVIDER: 'openai-compatible',
        KUBENTLY_LLM_MODEL: 'llama3.1',
        KUBENTLY_LLM_BASE_URL: 'http://127.0.0.1:11434/v1',
      },
      'openai-compatible.chat',
      'llama3.1',
    ],
  ])('builds the provider model for %j', (env, provider, modelId) => {
    const config = parseAgentConfig(env);
    const model = createModelFromConfig(config.model!);
    expect(typeof model === 'object' && model.provider).toBe(provider);
    expect(typeof model === 'object' && model.modelId).toBe(modelId);
  });
});
