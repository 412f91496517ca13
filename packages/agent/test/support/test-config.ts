import { parseAgentConfig } from '@kubently/agent';
import type { AgentConfig } from '@kubently/agent';

/** A model-mode configuration with overrides, parsed through the real schema. */
export function testConfig(overrides: Record<string, string> = {}): AgentConfig {
  return parseAgentConfig({
    KUBENTLY_LLM_PROVIDER: 'openai',
    OPENAI_API_KEY: 'test-key',
    KUBENTLY_LLM_PRICE_INPUT_PER_MTOK: '2',
    KUBENTLY_LLM_PRICE_OUTPUT_PER_MTOK: '8',
    ...overrides,
  });
}

/** A controllable clock: every read advances by `stepMs`. */
export function steppingClock(stepMs = 10) {
  let now = Date.parse('2026-01-01T00:00:00Z');
  return {
    now: () => {
      now += stepMs;
      return new Date(now);
    },
  };
}
