import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';
import Provider from 'oidc-provider';

/** Claims a client's tokens carry (kubently_role, kubently_clusters, email, ...). */
export type ClientClaims = Record<string, unknown>;

export interface OidcIssuer {
  readonly issuer: string;
  /** A client-credentials access token (a JWT) for `clientId`, with `audience` as its resource. */
  token(clientId: string, audience?: string): Promise<string>;
  /** Publishes a new signing key first; the old ones stay published unless `retireOld`. */
  rotate(options?: { retireOld?: boolean }): Promise<void>;
  close(): Promise<void>;
}

const newKey = async (index: number): Promise<JWK> => {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: `key-${index}`, alg: 'RS256', use: 'sig' };
};

/**
 * A real OpenID Connect issuer (the `oidc-provider` package) on a loopback port: discovery, JWKS,
 * and the client-credentials grant issuing JWT access tokens. Rotation builds a new provider with
 * the new key set behind the same URL, as an issuer's key rollover looks from outside.
 */
export const startOidcIssuer = async (
  clients: Record<string, ClientClaims>,
  defaultAudience: string,
): Promise<OidcIssuer> => {
  let handler: ReturnType<Provider['callback']> | undefined;
  const server: Server = createServer((request, response) => {
    if (handler === undefined) {
      response.statusCode = 503;
      response.end();
      return;
    }
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let keys: JWK[] = [await newKey(0)];
  const build = (): void => {
    const provider = new Provider(issuer, {
      clients: Object.keys(clients).map((clientId) => ({
        client_id: clientId,
        client_secret: `${clientId}-secret`,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_post',
      })),
      jwks: { keys },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => defaultAudience,
          useGrantedResource: () => true,
          getResourceServerInfo: (_context: unknown, resource: string) => ({
            audience: resource,
            scope: 'kubently',
            accessTokenFormat: 'jwt',
            accessTokenTTL: 300,
            jwt: { sign: { alg: 'RS256' } },
          }),
        },
      },
      extraTokenClaims: (_context: unknown, token: { clientId?: string }) =>
        clients[token.clientId ?? ''] ?? {},
    });
    handler = provider.callback();
  };
  build();
  return {
    issuer,
    token: async (clientId, audience = defaultAudience) => {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: `${clientId}-secret`,
          resource: audience,
          scope: 'kubently',
        }),
      });
      const body = (await response.json()) as { access_token?: string; error_description?: string };
      if (body.access_token === undefined) throw new Error(`token for ${clientId}: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    rotate: async (options = {}) => {
      const added = await newKey(keys.length);
      keys = options.retireOld === true ? [added] : [added, ...keys];
      build();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
};
