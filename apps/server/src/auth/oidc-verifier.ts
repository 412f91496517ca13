import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { z } from 'zod';

import { clusterIdSchema, roleSchema } from '@kubently/protocol';
import type { Role } from '@kubently/protocol';

import { KubentlyError } from '../errors/kubently-error.js';
import type { Clock } from '../support/clock.js';
import type { Logger } from '../support/logger.js';
import type { Caller } from './api-key-verifier.js';

/** How bearer JWTs from an OIDC issuer become callers (KUBENTLY_OIDC_*, parsed in config.ts). */
export interface OidcConfig {
  /** The issuer URL exactly as the tokens' `iss` says it; discovery is `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  /** The `aud` a token must carry (Kubently's own audience at the issuer). */
  readonly audience: string;
  /** Signature algorithms accepted; never `none` or a symmetric one (config.ts refuses them). */
  readonly algorithms: readonly string[];
  /** The claim naming the caller in the audit (default `sub`; e.g. `email`). */
  readonly identityClaim: string;
  /** The claim carrying roles or groups (a string or an array of strings). */
  readonly roleClaim: string;
  /** Claim values → roles (e.g. `sre-team=operator`); empty: the values are role names themselves. */
  readonly roleMap: Readonly<Record<string, Role>>;
  /** The role of a token whose claim maps to none; null: such a token is refused. */
  readonly defaultRole: Role | null;
  /**
   * The claim listing the clusters the caller may use (`*`: all); a token without it may use none.
   * null: every token may use every cluster.
   */
  readonly clustersClaim: string | null;
  readonly clockToleranceSeconds: number;
}

export interface OidcVerifierOptions {
  readonly config: OidcConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  /** JWKS refetch cooldown and cache age (tests: 0, so a rotation at the issuer is seen at once). */
  readonly jwksCooldownMs?: number;
  readonly jwksCacheMaxAgeMs?: number;
}

export interface OidcVerifier {
  /** The caller of a valid token, or null (bad signature, expired, wrong issuer or audience, no role). */
  verify(token: string): Promise<Caller | null>;
}

const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url() });
const rolePriority: Readonly<Record<Role, number>> = { viewer: 0, operator: 1, admin: 2 };

/** A compact JWS (three base64url parts); everything else presented is an API key. */
export const looksLikeJwt = (credential: string): boolean =>
  /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(credential);

const strings = (value: unknown): string[] => {
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((part) => part !== '');
  if (Array.isArray(value)) return value.filter((part): part is string => typeof part === 'string');
  return [];
};

/**
 * Verifies bearer JWTs through the issuer's discovery document and JWKS (jose): signature with an
 * allowed algorithm, `iss`, `aud`, `exp`/`nbf` against the injected clock. Keys are fetched on
 * first use and again when a token names an unknown `kid` (rotation at the issuer needs no restart).
 */
export const createOidcVerifier = (options: OidcVerifierOptions): OidcVerifier => {
  const { config, clock, logger } = options;
  let keys: Promise<JWTVerifyGetKey> | undefined;

  const discover = async (): Promise<JWTVerifyGetKey> => {
    const url = `${config.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(url, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
    const document = discoverySchema.parse(await response.json());
    if (document.issuer !== config.issuer) {
      throw new Error(`${url} names issuer "${document.issuer}", not "${config.issuer}"`);
    }
    return createRemoteJWKSet(new URL(document.jwks_uri), {
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
      cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
    });
  };

  const roleOf = (payload: JWTPayload): Role | null => {
    let best: Role | null = null;
    for (const value of strings(payload[config.roleClaim])) {
      const mapped = config.roleMap[value] ?? (Object.keys(config.roleMap).length === 0 ? value : undefined);
      const role = roleSchema.safeParse(mapped);
      if (role.success && (best === null || rolePriority[role.data] > rolePriority[best])) best = role.data;
    }
    return best ?? config.defaultRole;
  };

  return {
    async verify(token) {
      keys ??= discover();
      let getKey: JWTVerifyGetKey;
      try {
        getKey = await keys;
      } catch (error) {
        keys = undefined;
        logger.warn({ err: error, issuer: config.issuer }, 'OIDC discovery failed');
        throw new KubentlyError(
          'backend_unavailable',
          `the OIDC issuer ${config.issuer} could not be reached to verify the bearer token; retry shortly or check KUBENTLY_OIDC_ISSUER`,
          { cause: error, retryAfterSeconds: 5 },
        );
      }
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: [...config.algorithms],
          currentDate: new Date(clock.now()),
          clockTolerance: config.clockToleranceSeconds,
        }));
      } catch (error) {
        if (error instanceof joseErrors.JOSEError) {
          logger.debug({ code: error.code, reason: error.message }, 'bearer token refused');
          return null;
        }
        throw error;
      }
      const identity = payload[config.identityClaim];
      const role = roleOf(payload);
      if (typeof identity !== 'string' || identity === '' || role === null) {
        logger.debug(
          { identityClaim: config.identityClaim, roleClaim: config.roleClaim },
          'bearer token maps to no caller',
        );
        return null;
      }
      if (config.clustersClaim === null) return { identity, role, clusters: null };
      // A scope claim that is missing or names no valid cluster scopes the caller to nothing; `*`: every cluster.
      const named = strings(payload[config.clustersClaim]);
      if (named.includes('*')) return { identity, role, clusters: null };
      const clusters = named.filter((id) => clusterIdSchema.safeParse(id).success);
      return { identity, role, clusters };
    },
  };
};
