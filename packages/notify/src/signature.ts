import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a signed webhook (notifications and async command callbacks share them). */
export const timestampHeader = 'X-Kubently-Timestamp';
export const signatureHeader = 'X-Kubently-Signature';

/** How far a signed timestamp may be from the receiver's clock, either way. */
export const defaultToleranceSeconds = 300;

export interface SignWebhookInput {
  readonly secret: string;
  /** The exact bytes sent as the request body. */
  readonly body: string;
  /** Unix seconds. */
  readonly timestamp: number;
}

export interface SignedHeaders {
  readonly [timestampHeader]: string;
  readonly [signatureHeader]: string;
}

const hexDigest = (secret: string, timestamp: string, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

/**
 * `X-Kubently-Signature: v1=<lowercase hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` with
 * `X-Kubently-Timestamp: <unix seconds>`. The timestamp is inside the MAC, so a captured request
 * cannot be replayed outside the receiver's window.
 */
export const signWebhook = (input: SignWebhookInput): SignedHeaders => {
  if (input.secret.length === 0) throw new Error('a webhook secret must not be empty');
  const timestamp = String(Math.floor(input.timestamp));
  return {
    [timestampHeader]: timestamp,
    [signatureHeader]: `v1=${hexDigest(input.secret, timestamp, input.body)}`,
  };
};

export interface VerifyWebhookInput {
  readonly secret: string;
  readonly body: string;
  /** The X-Kubently-Timestamp header as received (undefined when absent). */
  readonly timestamp: string | undefined;
  /** The X-Kubently-Signature header as received. */
  readonly signature: string | undefined;
  /** The receiver's clock, unix seconds. */
  readonly now: number;
  readonly toleranceSeconds?: number;
}

export type WebhookVerification =
  | { readonly ok: true; readonly timestamp: number }
  | {
      readonly ok: false;
      readonly reason:
        | 'missing-headers'
        | 'malformed-timestamp'
        | 'stale-timestamp'
        | 'malformed-signature'
        | 'bad-signature';
      readonly message: string;
    };

/**
 * Checks a signed webhook: both headers present, the timestamp within ±toleranceSeconds of `now`,
 * and a `v1=` signature equal (constant-time) to the HMAC of "<timestamp>.<body>". Several
 * space-separated `v1=` values are accepted (a sender rotating its secret signs with both).
 */
export const verifyWebhook = (input: VerifyWebhookInput): WebhookVerification => {
  const tolerance = input.toleranceSeconds ?? defaultToleranceSeconds;
  if (input.timestamp === undefined || input.signature === undefined) {
    return {
      ok: false,
      reason: 'missing-headers',
      message: `${timestampHeader} and ${signatureHeader} are both required`,
    };
  }
  if (!/^\d{1,12}$/.test(input.timestamp)) {
    return { ok: false, reason: 'malformed-timestamp', message: `${timestampHeader} must be unix seconds` };
  }
  const timestamp = Number(input.timestamp);
  if (Math.abs(input.now - timestamp) > tolerance) {
    return {
      ok: false,
      reason: 'stale-timestamp',
      message: `${timestampHeader} is more than ${tolerance} s from the receiver's clock (replayed, or a clock is wrong)`,
    };
  }
  const candidates = input.signature
    .split(/\s+/)
    .filter((part) => part.startsWith('v1='))
    .map((part) => part.slice(3));
  if (candidates.length === 0 || candidates.some((hex) => !/^[0-9a-f]{64}$/.test(hex))) {
    return {
      ok: false,
      reason: 'malformed-signature',
      message: `${signatureHeader} must be "v1=" followed by 64 lowercase hex digits`,
    };
  }
  const expected = Buffer.from(hexDigest(input.secret, input.timestamp, input.body), 'hex');
  let matched = false;
  for (const hex of candidates) {
    // Every candidate is compared, so timing does not reveal which one matched.
    if (timingSafeEqual(expected, Buffer.from(hex, 'hex'))) matched = true;
  }
  return matched
    ? { ok: true, timestamp }
    : {
        ok: false,
        reason: 'bad-signature',
        message: `${signatureHeader} does not match the body and secret`,
      };
};
