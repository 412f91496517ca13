import { describe, expect, it } from 'vitest';

import { defaultCallbackConfig, parseCallbackEnvironment } from '../../src/callbacks/callback-config.js';
import type { CallbackConfig } from '../../src/callbacks/callback-config.js';
import { checkCallbackUrl, resolveCallbackTarget } from '../../src/callbacks/callback-target.js';
import type { ResolvedAddress, ResolveHost } from '../../src/callbacks/callback-target.js';
import { KubentlyError } from '../../src/errors/kubently-error.js';

const secret = 's'.repeat(32);
const config = (overrides: Partial<CallbackConfig> = {}): CallbackConfig => ({
  ...defaultCallbackConfig,
  secret,
  ...overrides,
});

const dns: Record<string, readonly string[]> = {
  'hooks.example.com': ['93.184.216.34'],
  'metadata.attacker.test': ['169.254.169.254'],
  'mixed.attacker.test': ['93.184.216.34', '10.0.0.5'],
  'aws6.attacker.test': ['fd00:ec2::254'],
  'intranet.example.com': ['10.20.30.40'],
  'mapped.attacker.test': ['::ffff:169.254.169.254'],
};
const resolve: ResolveHost = (hostname) => {
  const addresses = dns[hostname];
  if (addresses === undefined) return Promise.reject(new Error(`getaddrinfo ENOTFOUND ${hostname}`));
  return Promise.resolve(
    addresses.map((address): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 })),
  );
};

const refusal = async (url: string, overrides: Partial<CallbackConfig> = {}): Promise<string> => {
  try {
    const parsed = checkCallbackUrl(url, config(overrides));
    const target = await resolveCallbackTarget(parsed, config(overrides), resolve);
    return `accepted ${target.address.address}`;
  } catch (error) {
    if (!(error instanceof KubentlyError)) throw error;
    return `${error.code}: ${error.message}`;
  }
};

describe('callback URL checks', () => {
  it('refuses every callback while no secret is configured, naming the variable', async () => {
    expect(await refusal('https://hooks.example.com/x', { secret: null })).toMatch(
      /^validation_failed: .*set KUBENTLY_CALLBACK_SECRET/,
    );
  });

  it.each([
    ['https://hooks.example.com/k?token=1', {}, 'accepted 93.184.216.34'],
    ['http://hooks.example.com/k', {}, /must use https.*KUBENTLY_CALLBACK_ALLOW_HTTP=true/],
    ['http://hooks.example.com/k', { allowHttp: true }, 'accepted 93.184.216.34'],
    ['ftp://hooks.example.com/k', {}, /must be an https URL \(got scheme "ftp"\)/],
    ['file:///etc/passwd', {}, /must be an https URL/],
    ['https://user:pw@hooks.example.com/k', {}, /must not carry credentials/],
    [
      'https://metadata.attacker.test/',
      {},
      /resolves to 169\.254\.169\.254 in 169\.254\.0\.0\/16.*never a callback target/,
    ],
    ['https://metadata.attacker.test/', { allowPrivateNetworks: true }, /never a callback target/],
    ['https://169.254.169.254/latest/meta-data/', {}, /never a callback target/],
    // The URL parser reads a decimal host as the IPv4 address it spells.
    ['https://2852039166/', {}, /169\.254\.169\.254.*never a callback target/],
    ['https://[fd00:ec2::254]/', { allowPrivateNetworks: true }, /cloud metadata/],
    ['https://aws6.attacker.test/', { allowPrivateNetworks: true }, /cloud metadata/],
    ['https://mapped.attacker.test/', { allowPrivateNetworks: true }, /never a callback target/],
    ['https://intranet.example.com/', {}, /10\.0\.0\.0\/8.*KUBENTLY_CALLBACK_ALLOW_PRIVATE_NETWORKS=true/],
    ['https://intranet.example.com/', { allowPrivateNetworks: true }, 'accepted 10.20.30.40'],
    ['https://mixed.attacker.test/', {}, /resolves to 10\.0\.0\.5/],
    ['https://127.0.0.1:9/', {}, /127\.0\.0\.0\/8 \(loopback\)/],
    ['https://[::1]:9/', {}, /::1 \(loopback\)/],
    [
      'https://unknown.example.com/',
      {},
      /^backend_unavailable: callbackUrl host "unknown.example.com" does not resolve/,
    ],
    [
      'https://hooks.example.com/',
      { allowedHosts: ['*.ops.example.com'] },
      /not in the server's KUBENTLY_CALLBACK_ALLOWED_HOSTS/,
    ],
    ['https://a.ops.example.com/', { allowedHosts: ['*.ops.example.com'] }, /does not resolve/],
    ['https://hooks.example.com/', { allowedHosts: ['hooks.example.com'] }, 'accepted 93.184.216.34'],
    ['https://evilhooks.example.com/', { allowedHosts: ['hooks.example.com'] }, /not in the server's/],
  ] as const)('%s %j → %s', async (url, overrides, expected) => {
    const outcome = await refusal(url, overrides);
    if (typeof expected === 'string') expect(outcome).toBe(expected);
    else expect(outcome).toMatch(expected);
  });
});

describe('KUBENTLY_CALLBACK_* parsing', () => {
  it('reads every variable', () => {
    expect(
      parseCallbackEnvironment({
        KUBENTLY_CALLBACK_SECRET: secret,
        KUBENTLY_CALLBACK_ALLOWED_HOSTS: 'Hooks.Example.com, *.ops.example.com',
        KUBENTLY_CALLBACK_ALLOW_HTTP: 'true',
        KUBENTLY_CALLBACK_ALLOW_PRIVATE_NETWORKS: 'false',
        KUBENTLY_CALLBACK_MAX_ATTEMPTS: '3',
      }),
    ).toMatchObject({
      secret,
      allowedHosts: ['hooks.example.com', '*.ops.example.com'],
      allowHttp: true,
      allowPrivateNetworks: false,
      maxAttempts: 3,
    });
    expect(parseCallbackEnvironment({})).toEqual(defaultCallbackConfig);
  });

  it.each([
    ['KUBENTLY_CALLBACK_SECRET', 'short', /at least 32 characters/],
    ['KUBENTLY_CALLBACK_ALLOWED_HOSTS', 'https://x.example.com', /is not a host name/],
    ['KUBENTLY_CALLBACK_ALLOW_HTTP', 'yes', /must be "true" or "false"/],
    ['KUBENTLY_CALLBACK_MAX_ATTEMPTS', '0', /from 1 to 10/],
    ['KUBENTLY_CALLBACK_MAX_ATTEMPTS', '11', /from 1 to 10/],
  ])('%s=%s is refused', (variable, value, message) => {
    expect(() => parseCallbackEnvironment({ [variable]: value })).toThrow(message);
  });

  it('never echoes the secret', () => {
    expect(() => parseCallbackEnvironment({ KUBENTLY_CALLBACK_SECRET: 'tiny-secret' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('tiny-secret') as unknown }),
    );
  });
});
