/** 32 random bytes, URL-safe, with a prefix that makes a leaked key easy to recognise and grep. */
export function generateApiKey(randomBytes: (size: number) => Uint8Array): string {
  return `kbt_${Buffer.from(randomBytes(32)).toString('base64url')}`;
}
