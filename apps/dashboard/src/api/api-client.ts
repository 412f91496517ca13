import { errorBodySchema } from '@kubently/protocol';
import type { z } from 'zod';

import { ApiError } from './api-error.js';

/** How the dashboard authenticates: an API key, or an OIDC bearer token (a JWT). */
export interface Credential {
  readonly kind: 'apiKey' | 'bearer';
  readonly secret: string;
}

export interface ApiClient {
  get<T>(path: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T>;
  post<T>(path: string, body: unknown, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T>;
  /** A raw request with the credential (streams: the caller reads the body). */
  open(path: string, init: RequestInit): Promise<Response>;
}

const headersOf = (credential: Credential): Record<string, string> =>
  credential.kind === 'apiKey'
    ? { 'X-API-Key': credential.secret }
    : { Authorization: `Bearer ${credential.secret}` };

/** Turns a non-2xx answer into an ApiError with the server's code and message. */
export const failure = async (response: Response): Promise<ApiError> => {
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's page): reported below with the status.
  }
  const parsed = errorBodySchema.safeParse(json);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new ApiError(code, message, response.status, details);
  }
  return new ApiError('http_error', `HTTP ${response.status} ${response.statusText}`.trim(), response.status);
};

/** Every call parses the answer with the protocol's schema: the dashboard never trusts a shape. */
export const createApiClient = (credential: Credential, fetcher: typeof fetch = fetch): ApiClient => {
  const open = async (path: string, init: RequestInit): Promise<Response> => {
    const response = await fetcher(path, {
      ...init,
      headers: { ...headersOf(credential), ...(init.headers as Record<string, string> | undefined) },
    });
    if (!response.ok) throw await failure(response);
    return response;
  };
  const parse = async <T>(response: Response, schema: z.ZodType<T>): Promise<T> => {
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success) {
      throw new ApiError('bad_response', `unexpected answer from the server: ${parsed.error.message}`, 0);
    }
    return parsed.data;
  };
  return {
    open,
    get: async (path, schema, signal) => parse(await open(path, signal ? { signal } : {}), schema),
    post: async (path, body, schema, signal) =>
      parse(
        await open(path, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
          ...(signal ? { signal } : {}),
        }),
        schema,
      ),
  };
};
