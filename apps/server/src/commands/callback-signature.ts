import { signatureHeader, signWebhook, timestampHeader, verifyWebhook } from '@kubently/notify';

/**
 * The signature on every callback and push the server sends: the one scheme of `@kubently/notify`
 * (the generic webhook sink signs the same way):
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

/** The two headers for `body` sent at `nowMs`. */
export const signCallback = (
  secret: string,
  body: string,
  nowMs: number,
): { readonly [callbackHeaders.timestamp]: string; readonly [callbackHeaders.signature]: string } => {
  const signed = signWebhook({ secret, body, timestamp: Math.floor(nowMs / 1000) });
  return {
    [callbackHeaders.timestamp]: signed[timestampHeader],
    [callbackHeaders.signature]: signed[signatureHeader],
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
  const verdict = verifyWebhook({
    secret: input.secret,
    body: input.body,
    timestamp: input.timestamp ?? undefined,
    signature: input.signature ?? undefined,
    now: Math.floor(input.nowMs / 1000),
    toleranceSeconds: input.toleranceSeconds ?? callbackToleranceSeconds,
  });
  return verdict.ok ? { valid: true } : { valid: false, reason: verdict.message };
};
