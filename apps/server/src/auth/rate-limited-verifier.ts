import type { Role } from '@kubently/protocol';

import { KubentlyError } from '../errors/kubently-error.js';
import type { RateLimiter } from '../state/rate-limiter.js';
import type { Clock } from '../support/clock.js';
import type { ServerMetrics } from '../telemetry/index.js';
import type { ApiKeyVerifier } from './api-key-verifier.js';

export interface RequestRateLimits {
  /** Requests a minute per caller identity, by role (also the burst); a role not listed is unlimited. */
  readonly perRole: Readonly<Partial<Record<Role, number>>>;
  /** Requests a minute per X-Service-Identity value; null: unlimited. */
  readonly perService: number | null;
}

/**
 * Token-bucket limits on authenticated requests, per caller identity (by role) and per asserted
 * service identity, in the state backend so replicas share one budget. Past a limit the request is
 * refused with `rate_limited` and a Retry-After, on every surface (they all authenticate here).
 */
export const withRateLimits = (
  inner: ApiKeyVerifier,
  options: { limiter: RateLimiter; clock: Clock; limits: RequestRateLimits; metrics?: ServerMetrics },
): ApiKeyVerifier => ({
  async verify(key, serviceIdentity) {
    const caller = await inner.verify(key, serviceIdentity);
    if (caller === null) return null;
    const { limiter, clock, limits } = options;
    const now = clock.now();
    const checks: [string, number, string][] = [];
    const perRole = limits.perRole[caller.role];
    if (perRole !== undefined)
      checks.push([`identity:${caller.identity}`, perRole, `identity "${caller.identity}"`]);
    if (limits.perService !== null && serviceIdentity !== undefined) {
      checks.push([`service:${serviceIdentity}`, limits.perService, `service identity "${serviceIdentity}"`]);
    }
    for (const [bucket, perMinute, who] of checks) {
      const decision = await limiter.take(bucket, { capacity: perMinute, perMinute }, now);
      if (decision.type === 'limited') {
        const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
        options.metrics?.limitRefused({ limit: 'requestsPerMinute', code: 'rate_limited' });
        throw new KubentlyError(
          'rate_limited',
          `${who} is over its limit of ${perMinute} requests a minute; retry in ${retryAfterSeconds} s, or ask an admin to raise KUBENTLY_RATE_LIMITS / KUBENTLY_SERVICE_RATE_LIMIT`,
          { retryAfterSeconds, details: { limit: 'requestsPerMinute', perMinute, retryAfterSeconds } },
        );
      }
    }
    return caller;
  },
});
