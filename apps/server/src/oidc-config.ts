import { z } from 'zod';

import { roleSchema } from '@kubently/protocol';
import type { Role } from '@kubently/protocol';

import type { OidcConfig } from './auth/oidc-verifier.js';

/** Asymmetric JWS algorithms only: `none` and HMAC (a shared secret) can never be allowed. */
const allowedAlgorithms = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

const claimSchema = z.string().regex(/^[A-Za-z0-9_:./-]{1,128}$/, {
  message: 'must be a claim name such as sub, email, groups or https://example.com/roles',
});

const fields = {
  KUBENTLY_OIDC_ISSUER: z.url({
    protocol: /^https?$/,
    message: 'must be the issuer URL, e.g. https://login.example.com/realms/ops',
  }),
  KUBENTLY_OIDC_AUDIENCE: z
    .string()
    .min(1, { message: 'must name the audience tokens are issued for, e.g. kubently' }),
  KUBENTLY_OIDC_ALGORITHMS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    )
    .pipe(
      z
        .array(
          z.enum(allowedAlgorithms, {
            message: `each must be one of ${allowedAlgorithms.join(', ')} (never none or HS*)`,
          }),
        )
        .min(1, { message: 'must list at least one algorithm, e.g. RS256,ES256' }),
    ),
  KUBENTLY_OIDC_IDENTITY_CLAIM: claimSchema,
  KUBENTLY_OIDC_ROLE_CLAIM: claimSchema,
  KUBENTLY_OIDC_ROLE_MAP: z.string().transform((value, context) => {
    const map: Record<string, Role> = {};
    for (const entry of value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')) {
      const at = entry.lastIndexOf('=');
      const role = roleSchema.safeParse(entry.slice(at + 1));
      if (at <= 0 || !role.success) {
        context.addIssue({
          code: 'custom',
          message: `entry "${entry}" must look like <claim value>=<admin|operator|viewer>, e.g. sre-team=operator`,
        });
        return z.NEVER;
      }
      map[entry.slice(0, at)] = role.data;
    }
    return map;
  }),
  KUBENTLY_OIDC_DEFAULT_ROLE: z.enum(['admin', 'operator', 'viewer', 'none'], {
    message: 'must be admin, operator, viewer or none (refuse tokens whose role claim maps to no role)',
  }),
  KUBENTLY_OIDC_CLUSTERS_CLAIM: claimSchema,
  KUBENTLY_OIDC_CLOCK_TOLERANCE_SECONDS: z
    .string()
    .regex(/^\d+$/, { message: 'must be a whole number of seconds, e.g. 30' })
    .transform(Number)
    .pipe(z.number().max(300, { message: 'must be at most 300' })),
} as const;

type Variable = keyof typeof fields;

/**
 * KUBENTLY_OIDC_*: null unless KUBENTLY_OIDC_ISSUER is set. Throws `{variable, message}` naming the
 * variable and the fix (config.ts turns it into a ConfigError).
 */
export const parseOidcEnvironment = (
  env: Readonly<Record<string, string | undefined>>,
): OidcConfig | null => {
  const read = <V extends Variable>(variable: V): z.output<(typeof fields)[V]> | undefined => {
    const raw = env[variable];
    if (raw === undefined || raw === '') return undefined;
    const parsed = fields[variable].safeParse(raw);
    if (!parsed.success) {
      throw new OidcConfigError(
        variable,
        `${parsed.error.issues.map((issue) => issue.message).join('; ')} (got "${raw}")`,
      );
    }
    return parsed.data as z.output<(typeof fields)[V]>;
  };
  const issuer = read('KUBENTLY_OIDC_ISSUER');
  const others = (Object.keys(fields) as Variable[]).filter(
    (variable) => variable !== 'KUBENTLY_OIDC_ISSUER' && (env[variable] ?? '') !== '',
  );
  if (issuer === undefined) {
    if (others[0] !== undefined) {
      throw new OidcConfigError(
        others[0],
        'is set but KUBENTLY_OIDC_ISSUER is not; set the issuer to turn OIDC on, or unset it',
      );
    }
    return null;
  }
  const audience = read('KUBENTLY_OIDC_AUDIENCE');
  if (audience === undefined) {
    throw new OidcConfigError(
      'KUBENTLY_OIDC_AUDIENCE',
      'is required with KUBENTLY_OIDC_ISSUER: the aud your issuer puts in tokens for Kubently, e.g. kubently',
    );
  }
  const defaultRole = read('KUBENTLY_OIDC_DEFAULT_ROLE');
  return Object.freeze({
    issuer,
    audience,
    algorithms: read('KUBENTLY_OIDC_ALGORITHMS') ?? ['RS256', 'ES256'],
    identityClaim: read('KUBENTLY_OIDC_IDENTITY_CLAIM') ?? 'sub',
    roleClaim: read('KUBENTLY_OIDC_ROLE_CLAIM') ?? 'kubently_role',
    roleMap: read('KUBENTLY_OIDC_ROLE_MAP') ?? {},
    defaultRole: defaultRole === undefined || defaultRole === 'none' ? null : defaultRole,
    clustersClaim: read('KUBENTLY_OIDC_CLUSTERS_CLAIM') ?? null,
    clockToleranceSeconds: read('KUBENTLY_OIDC_CLOCK_TOLERANCE_SECONDS') ?? 30,
  });
};

export class OidcConfigError extends Error {
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(message);
    this.variable = variable;
  }
}
