import { createHmac } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { signWebhook, verifyWebhook } from '../src/index.js';

const secret = 'a-long-enough-shared-secret';
const body = '{"event":"trigger"}';

describe('webhook signature', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256 as v1=<lowercase hex>', () => {
    const headers = signWebhook({ secret, body, timestamp: 1_700_000_000 });
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(headers).toEqual({
      'X-Kubently-Timestamp': '1700000000',
      'X-Kubently-Signature': `v1=${expected}`,
    });
  });

  it('verifies its own signature inside the window and rejects outside ±300 s', () => {
    const headers = signWebhook({ secret, body, timestamp: 1000 });
    const check = (now: number) =>
      verifyWebhook({
        secret,
        body,
        timestamp: headers['X-Kubently-Timestamp'],
        signature: headers['X-Kubently-Signature'],
        now,
      });
    expect(check(1300)).toEqual({ ok: true, timestamp: 1000 });
    expect(check(700)).toEqual({ ok: true, timestamp: 1000 });
    expect(check(1301)).toMatchObject({ ok: false, reason: 'stale-timestamp' });
    expect(check(699)).toMatchObject({ ok: false, reason: 'stale-timestamp' });
  });

  it('rejects a changed body, a changed timestamp, another secret and malformed headers', () => {
    const headers = signWebhook({ secret, body, timestamp: 1000 });
    const base = { secret, body, timestamp: '1000', signature: headers['X-Kubently-Signature'], now: 1000 };
    expect(verifyWebhook({ ...base, body: `${body} ` })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyWebhook({ ...base, timestamp: '1001' })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyWebhook({ ...base, secret: 'another-secret-entirely' })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyWebhook({ ...base, signature: undefined })).toMatchObject({
      ok: false,
      reason: 'missing-headers',
    });
    expect(verifyWebhook({ ...base, timestamp: '10e3' })).toMatchObject({
      ok: false,
      reason: 'malformed-timestamp',
    });
    expect(verifyWebhook({ ...base, signature: 'sha256=abc' })).toMatchObject({
      ok: false,
      reason: 'malformed-signature',
    });
    expect(
      verifyWebhook({ ...base, signature: headers['X-Kubently-Signature'].toUpperCase() }),
    ).toMatchObject({
      ok: false,
    });
  });

  it('accepts any of several v1 signatures (secret rotation)', () => {
    const old = signWebhook({ secret: 'the-old-secret-value', body, timestamp: 1000 });
    const current = signWebhook({ secret, body, timestamp: 1000 });
    const both = `${old['X-Kubently-Signature']} ${current['X-Kubently-Signature']}`;
    expect(verifyWebhook({ secret, body, timestamp: '1000', signature: both, now: 1000 }).ok).toBe(true);
  });
});
