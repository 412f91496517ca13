import { describe, expect, it } from 'vitest';

import { signCallback, verifyCallback } from '../../src/commands/callback-signature.js';

const secret = 'k-0123456789abcdef0123456789abcdef';
const at = 1_764_000_000_000;

describe('callback signature (X-Kubently-Timestamp / X-Kubently-Signature v1)', () => {
  it('is HMAC-SHA256 over "<timestamp>.<body>" in lowercase hex, as `openssl dgst -sha256 -hmac` computes it', () => {
    // printf '%s' '1764000000.{"a":1}' | openssl dgst -sha256 -hmac "$secret"
    expect(signCallback(secret, '{"a":1}', at)).toEqual({
      'x-kubently-timestamp': '1764000000',
      'x-kubently-signature': 'v1=0821e7c6c80b687fd5915f2d04580feb7b9fec7bdadc6b405994d3fa3f085693',
    });
  });

  const signed = signCallback(secret, '{"a":1}', at);
  const check = (overrides: Partial<Parameters<typeof verifyCallback>[0]>) =>
    verifyCallback({
      secret,
      body: '{"a":1}',
      timestamp: signed['x-kubently-timestamp'],
      signature: signed['x-kubently-signature'],
      nowMs: at,
      ...overrides,
    });

  it.each([
    ['the delivery as sent', {}, true],
    ['300 s later (the edge of the window)', { nowMs: at + 300_000 }, true],
    ['301 s later (a replay)', { nowMs: at + 301_000 }, false],
    ['301 s earlier (a clock far ahead)', { nowMs: at - 301_000 }, false],
    ['a changed body', { body: '{"a":2}' }, false],
    ['another secret', { secret: `${secret}x` }, false],
    ['a timestamp moved into the window', { timestamp: String(at / 1000 + 1) }, false],
    ['no timestamp', { timestamp: undefined }, false],
    ['no signature', { signature: null }, false],
    ['another scheme version', { signature: signed['x-kubently-signature'].replace('v1=', 'v2=') }, false],
    ['uppercase hex', { signature: signed['x-kubently-signature'].toUpperCase() }, false],
  ] as const)('%s → valid: %s', (_name, overrides, valid) => {
    expect(check(overrides).valid).toBe(valid);
  });

  it('names why a delivery is refused', () => {
    const stale = check({ nowMs: at + 400_000 });
    expect(stale.valid).toBe(false);
    expect(stale.valid ? '' : stale.reason).toMatch(
      /X-Kubently-Timestamp is more than 300 s from the receiver's clock/,
    );
    const tampered = check({ body: 'x' });
    expect(tampered.valid ? '' : tampered.reason).toMatch(
      /X-Kubently-Signature does not match the body and secret/,
    );
  });
});
