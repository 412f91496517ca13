import { describe, expect, it } from 'vitest';

import {
  checkListenConfig,
  ConfigError,
  defaultServerConfig,
  parseApiKeys,
  parseEnvironment,
} from '../src/config.js';

describe('parseEnvironment', () => {
  it('gives the defaults for an empty environment, frozen', () => {
    const config = parseEnvironment({});
    expect(config).toEqual(defaultServerConfig);
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(8080);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable', () => {
    const config = parseEnvironment({
      KUBENTLY_HOST: '0.0.0.0',
      KUBENTLY_PORT: '0',
      KUBENTLY_API_KEYS: 'ci:0123456789abcdef:operator, root:fedcba9876543210',
      KUBENTLY_LOG_LEVEL: 'warn',
      KUBENTLY_TOKEN_OVERLAP_SECONDS: '60',
      KUBENTLY_RESULT_TTL_SECONDS: '30',
      KUBENTLY_KEEPALIVE_SECONDS: '5',
      KUBENTLY_EXECUTOR_GRACE_MS: '1000',
      KUBENTLY_REDELIVERY_GRACE_MS: '2000',
      KUBENTLY_REQUEST_BODY_LIMIT_BYTES: '4096',
      KUBENTLY_MAX_COMMANDS_IN_FLIGHT_PER_IDENTITY: '4',
      KUBENTLY_MAX_QUEUED_COMMANDS_PER_CLUSTER: '50',
      KUBENTLY_MAX_RESULT_BYTES_PER_IDENTITY: '1048576',
      KUBENTLY_MAX_RESULT_BYTES_TOTAL: '8388608',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      logLevel: 'warn',
      tokenOverlapSeconds: 60,
      resultTtlSeconds: 30,
      keepaliveSeconds: 5,
      executorGraceMs: 1000,
      redeliveryGraceMs: 2000,
      requestBodyLimitBytes: 4096,
      maxCommandsInFlightPerIdentity: 4,
      maxQueuedCommandsPerCluster: 50,
      maxResultBytesPerIdentity: 1_048_576,
      maxResultBytesTotal: 8_388_608,
    });
    expect(config.apiKeys).toEqual([
      { identity: 'ci', key: '0123456789abcdef', role: 'operator' },
      { identity: 'root', key: 'fedcba9876543210', role: 'admin' },
    ]);
  });

  it('reads the Redis outage buffer settings (defaults: 10 s, 1000 calls, 16 MiB)', () => {
    expect(parseEnvironment({})).toMatchObject({
      redisOutageGraceMs: 10_000,
      redisOutageMaxCalls: 1000,
      redisOutageMaxBytes: 16 * 1024 * 1024,
    });
    expect(
      parseEnvironment({
        KUBENTLY_REDIS_OUTAGE_GRACE_MS: '0',
        KUBENTLY_REDIS_OUTAGE_MAX_CALLS: '5',
        KUBENTLY_REDIS_OUTAGE_MAX_BYTES: '4096',
      }),
    ).toMatchObject({ redisOutageGraceMs: 0, redisOutageMaxCalls: 5, redisOutageMaxBytes: 4096 });
  });

  it.each([
    ['KUBENTLY_REDIS_OUTAGE_GRACE_MS', '10s', 'whole number'],
    ['KUBENTLY_REDIS_OUTAGE_MAX_CALLS', '0', 'at least 1'],
    ['KUBENTLY_PORT', '80a', 'whole number'],
    ['KUBENTLY_PORT', '70000', 'at most 65535'],
    ['KUBENTLY_LOG_LEVEL', 'loud', 'one of fatal'],
    ['KUBENTLY_API_KEYS', 'nokey', 'identity:key'],
    ['KUBENTLY_API_KEYS', 'ci:0123456789abcdef:root', 'admin, operator or viewer'],
    ['KUBENTLY_API_KEYS', 'ci:short', 'shorter than 16'],
    ['KUBENTLY_MAX_COMMANDS_IN_FLIGHT_PER_IDENTITY', '0', 'at least 1'],
    ['KUBENTLY_MAX_QUEUED_COMMANDS_PER_CLUSTER', 'lots', 'whole number'],
    ['KUBENTLY_MAX_RESULT_BYTES_PER_IDENTITY', '512', 'at least 1024'],
    ['KUBENTLY_MAX_RESULT_BYTES_TOTAL', '-1', 'whole number'],
  ])('names %s and the fix for %s', (variable, value, fix) => {
    let caught: unknown;
    try {
      parseEnvironment({ [variable]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(variable);
    expect((caught as ConfigError).message).toContain(variable);
    expect((caught as ConfigError).message).toContain(fix);
  });

  it('never echoes API keys in errors', () => {
    expect(() => parseEnvironment({ KUBENTLY_API_KEYS: 'a:supersecretvalue1:boss' })).toThrow(
      /^(?!.*supersecretvalue1)/s,
    );
  });

  it('rejects duplicate identities', () => {
    expect(() => parseApiKeys('a:0123456789abcdef,a:fedcba9876543210')).toThrow('appears twice');
  });
});

describe('parseEnvironment: agent and A2A settings', () => {
  it('parses KUBENTLY_LLM_* into config.agent and defaults to engine-only', () => {
    expect(parseEnvironment({}).agent.model).toBeNull();
    const config = parseEnvironment({
      KUBENTLY_LLM_PROVIDER: 'openai-compatible',
      KUBENTLY_LLM_BASE_URL: 'http://127.0.0.1:11434/v1',
      KUBENTLY_LLM_MODEL: 'llama3.1',
      KUBENTLY_LLM_MAX_STEPS: '5',
    });
    expect(config.agent.model).toMatchObject({ provider: 'openai-compatible', model: 'llama3.1' });
    expect(config.agent.maxSteps).toBe(5);
  });

  it('stops on a bad agent setting with a ConfigError naming the variable and the fix', () => {
    const attempt = () => parseEnvironment({ KUBENTLY_LLM_PROVIDER: 'anthropic' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^ANTHROPIC_API_KEY: .*set ANTHROPIC_API_KEY/);
    expect(() => parseEnvironment({ KUBENTLY_LLM_MAX_STEPS: 'many' })).toThrow(/^KUBENTLY_LLM_MAX_STEPS: /);
  });

  it('reads KUBENTLY_PUBLIC_URL without a trailing slash and rejects a non-URL', () => {
    expect(parseEnvironment({ KUBENTLY_PUBLIC_URL: 'https://kubently.example.com/' }).publicUrl).toBe(
      'https://kubently.example.com',
    );
    expect(parseEnvironment({}).publicUrl).toBeNull();
    expect(() => parseEnvironment({ KUBENTLY_PUBLIC_URL: 'kubently.example.com' })).toThrow(
      /KUBENTLY_PUBLIC_URL: must be an http\(s\) URL/,
    );
  });

  it('reads KUBENTLY_TRUSTED_PROXIES (addresses and CIDR ranges) and rejects anything else, naming it', () => {
    expect(
      parseEnvironment({ KUBENTLY_TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1,fd00::/8' }).trustedProxies,
    ).toEqual(['10.0.0.0/8', '127.0.0.1', 'fd00::/8']);
    expect(parseEnvironment({}).trustedProxies).toEqual([]);
    for (const bad of ['proxy.internal', '10.0.0.0/33', '10.0.0.1/8/1', '::1/129']) {
      expect(() => parseEnvironment({ KUBENTLY_TRUSTED_PROXIES: bad })).toThrow(
        new RegExp(
          `KUBENTLY_TRUSTED_PROXIES: "${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}" is not an IP address or CIDR range`,
        ),
      );
    }
  });

  it('reads KUBENTLY_AUTH_FAILURE_LIMIT (default 10)', () => {
    expect(parseEnvironment({}).authFailureLimit).toBe(10);
    expect(parseEnvironment({ KUBENTLY_AUTH_FAILURE_LIMIT: '25' }).authFailureLimit).toBe(25);
    expect(() => parseEnvironment({ KUBENTLY_AUTH_FAILURE_LIMIT: '0' })).toThrow(
      /KUBENTLY_AUTH_FAILURE_LIMIT: must be at least 1/,
    );
  });

  it('beyond loopback, KUBENTLY_PUBLIC_URL is required (the agent card is never built from the Host header)', () => {
    expect(() => {
      checkListenConfig(parseEnvironment({ KUBENTLY_HOST: '0.0.0.0' }));
    }).toThrow(
      /KUBENTLY_PUBLIC_URL: must be set when the server listens beyond loopback \(KUBENTLY_HOST=0.0.0.0\)/,
    );
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) {
      expect(() => {
        checkListenConfig(parseEnvironment({ KUBENTLY_HOST: host }));
      }).not.toThrow();
    }
    expect(() => {
      checkListenConfig(
        parseEnvironment({ KUBENTLY_HOST: '::', KUBENTLY_PUBLIC_URL: 'https://k.example.com' }),
      );
    }).not.toThrow();
  });
});
