import { describe, expect, it } from 'vitest';

import {
  NotifyConfigError,
  parseNotifyConfig,
  redactSink,
  scrubSinkSecrets,
  sinkSecrets,
} from '../src/index.js';

const parse = (text: string, env: Record<string, string> = {}) =>
  parseNotifyConfig(text, { source: 'notify.yaml', env });

const problem = (text: string, env: Record<string, string> = {}): string => {
  try {
    parse(text, env);
  } catch (error) {
    expect(error).toBeInstanceOf(NotifyConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a NotifyConfigError');
};

describe('parseNotifyConfig', () => {
  it('parses every sink type with defaults, ${VAR} from the environment, and routes', () => {
    const config = parse(
      `
sinks:
  - {name: ops, type: webhook, url: "https://hooks.example/in", secret: "\${HOOK_SECRET}"}
  - {name: chat, type: slack, botToken: xoxb-1, channel: C1}
  - {name: team, type: teams, url: "https://teams.example/workflows/1?sig=abc"}
  - {name: pager, type: pagerduty, routingKey: R0UT1NGKEY}
  - {name: mail, type: email, host: smtp.example, from: kubently@example.org, to: [ops@example.org], username: u, password: p4ss}
routes:
  - {sinks: [ops, chat], minSeverity: warning, clusters: [prod]}
watch:
  targets: [{cluster: prod, namespaces: [shop]}]
`,
      { HOOK_SECRET: 'sixteen-chars-or-more' },
    );
    expect(config.sinks.map((sink) => sink.type)).toEqual([
      'webhook',
      'slack',
      'teams',
      'pagerduty',
      'email',
    ]);
    expect(config.sinks[0]).toMatchObject({ secret: 'sixteen-chars-or-more' });
    expect(config.sinks[3]).toMatchObject({ url: 'https://events.pagerduty.com/v2/enqueue' });
    expect(config.sinks[4]).toMatchObject({ port: 587, security: 'starttls' });
    expect(config.flapWindowSeconds).toBe(300);
    expect(config.delivery.attempts).toBe(5);
    expect(config.watch).toEqual({
      intervalSeconds: 60,
      jitter: 0.1,
      targets: [{ cluster: 'prod', namespaces: ['shop'] }],
    });
  });

  it('names the field and the fix for each bad input', () => {
    expect(problem('sinks: [{name: ops, type: webhook, url: "ftp://x", secret: short}]')).toMatch(
      /sinks\[0\]\.url: must be an http\(s\) URL.*sinks\[0\]\.secret: must be at least 16 characters/,
    );
    expect(problem('sinks: [{name: c, type: slack, botToken: x}]')).toMatch(
      /sinks\[0\]\.channel: a botToken needs a channel/,
    );
    expect(problem('sinks: [{name: c, type: slack}]')).toMatch(/set exactly one of webhookUrl/);
    expect(problem('routes: [{sinks: [nowhere]}]')).toMatch(
      /routes\[0\]\.sinks\[0\]: no sink is named "nowhere"/,
    );
    expect(
      problem('sinks: [{name: a, type: teams, url: "https://t"}, {name: a, type: teams, url: "https://t"}]'),
    ).toMatch(/sinks\[1\]\.name: "a" is used twice/);
    expect(problem('sinks: [{name: a, type: webhook, url: "https://x", secret: "${NOPE}"}]')).toMatch(
      /sinks\[0\]\.secret: environment variable NOPE is not set/,
    );
    expect(problem('watch: {intervalSeconds: 1}')).toMatch(/watch\.intervalSeconds: at least 10/);
    expect(problem('sinks: [{name: a, type: carrier-pigeon}]')).toMatch(/sinks\[0\]\.type/);
    expect(problem('sinks: [')).toMatch(/notify\.yaml: not valid YAML/);
    expect(problem('sink: []')).toMatch(/Unrecognized key.*"sink"/);
  });

  it('redacts every secret of a sink for logs and APIs', () => {
    const config = parse(`
sinks:
  - {name: ops, type: webhook, url: "https://hooks.example/T0/B0/tok3n", secret: "0123456789abcdef0"}
  - {name: chat, type: slack, webhookUrl: "https://hooks.slack.example/services/T/B/XYZ"}
  - {name: pager, type: pagerduty, routingKey: R0UT1NGKEY}
  - {name: mail, type: email, host: smtp.example, from: a@example.org, to: [b@example.org], username: u, password: p4ssw0rd}
`);
    const shown = JSON.stringify(config.sinks.map(redactSink));
    for (const secret of ['tok3n', '0123456789abcdef0', 'XYZ', 'R0UT1NGKEY', 'p4ssw0rd'])
      expect(shown).not.toContain(secret);
    expect(shown).toContain('https://hooks.example/***');
    const error = 'connect ECONNREFUSED https://hooks.example/T0/B0/tok3n with key R0UT1NGKEY';
    expect(scrubSinkSecrets(error, sinkSecrets(config.sinks))).toBe('connect ECONNREFUSED *** with key ***');
  });
});
