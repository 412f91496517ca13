import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature on every callback and push the server sends (the generic webhook sink of the
 * notifications signs the same way):
 *   X-Kubently-Timestamp: <unix seconds>
 *   X-Kubently-Signature: v1=<lowercase hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 * The timestamp is inside the MAC so a captured delivery cannot be replayed later; receivers refuse
 * timestamps more than `callbackToleranceSeconds` away from their clock and compare in constant time.
 */
export const callbackHeaders = {
  timestamp: 'x-kubently-timestamp',
  signature: 'x-kubently-signature',
} as const;

export const callbackToleranceSeconds = 300;

const hmacHex = (secret: string, timestamp: string, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');

/** The two headers for `body` sent at `nowMs`. */
export const signCallback = (
  secret: string,
  body: string,
  nowMs: number,
): { readonly [callbackHeaders.timestamp]: string; readonly [callbackHeaders.signature]: string } => {
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    [callbackHeaders.timestamp]: timestamp,
    [callbackHeaders.signature]: `v1=${hmacHex(secret, timestamp, body)}`,
  };
};

export type CallbackVerdict = { readonly valid: true } | { readonly valid: false; readonly reason: string };

/** What a receiver does with a delivery (the reference check; docs/api.md shows it in other languages). */
export const verifyCallback = (input: {
  readonly secret: string;
  /** The raw request body, exactly as received (not re-serialised JSON). */
  readonly body: string;
  readonly timestamp: string | null | undefined;
  readonly signature: string | null | undefined;
  readonly nowMs: number;
  readonly toleranceSeconds?: number;
}): CallbackVerdict => {
  const { timestamp, signature } = input;
  if (timestamp === null || timestamp === undefined || !/^\d{1,12}$/.test(timestamp))
    return { valid: false, reason: `missing or malformed ${callbackHeaders.timestamp}` };
  const skew = Math.abs(Math.floor(input.nowMs / 1000) - Number(timestamp));
  if (skew > (input.toleranceSeconds ?? callbackToleranceSeconds))
    return { valid: false, reason: `timestamp is ${String(skew)}s away from now` };
  const match = /^v1=([0-9a-f]{64})$/.exec(signature ?? '');
  if (match?.[1] === undefined)
    return { valid: false, reason: `missing or malformed ${callbackHeaders.signature}` };
  const expected = Buffer.from(hmacHex(input.secret, timestamp, input.body), 'hex');
  const given = Buffer.from(match[1], 'hex');
  return timingSafeEqual(expected, given) ? { valid: true } : { valid: false, reason: 'signature mismatch' };
};
