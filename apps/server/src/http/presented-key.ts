import { headers, serviceIdentitySchema } from '@kubently/protocol';

/**
 * The API key a request presents: `X-API-Key`, or else `Authorization: Bearer <key>` (what MCP and
 * A2A clients commonly send). Empty or malformed: undefined, which every surface answers with 401.
 */
export const presentedKey = (header: (name: string) => string | undefined): string | undefined => {
  const key = header(headers.apiKey);
  if (key !== undefined && key !== '') return key;
  const authorization = header(headers.authorization);
  if (authorization === undefined) return undefined;
  const match = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(authorization);
  return match?.[1];
};

/** What 401 answers say on every surface. */
export const missingKeyMessage =
  'missing or invalid API key; send a valid key in the X-API-Key header or as Authorization: Bearer <key>';

/**
 * X-Service-Identity: the service a shared key acts for (limits and the audit). Only a plain token
 * is taken; anything else is treated as absent.
 */
export const serviceIdentityOf = (header: (name: string) => string | undefined): string | undefined => {
  const value = header('x-service-identity');
  return value !== undefined && serviceIdentitySchema.safeParse(value).success ? value : undefined;
};
