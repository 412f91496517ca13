import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a secret as hex: what is stored and compared, never the secret itself. */
export const hashSecret = (secret: string): string =>
  createHash('sha256').update(secret, 'utf8').digest('hex');

/** Constant-time comparison of two hex SHA-256 hashes (equal length by construction). */
export const hashesEqual = (a: string, b: string): boolean => {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
};

/** A 256-bit random executor token, base64url, with a recognisable prefix for secret scanners. */
export const generateToken = (): string => `kbt_${randomBytes(32).toString('base64url')}`;

/** Managed API keys start with this, so only they are looked up in the key store. */
export const managedKeyPrefix = 'kbk_';

/** A 256-bit random managed API key, base64url, with its own recognisable prefix. */
export const generateApiKey = (): string => `${managedKeyPrefix}${randomBytes(32).toString('base64url')}`;
