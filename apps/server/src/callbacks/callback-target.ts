import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

import { KubentlyError } from '../errors/kubently-error.js';
import { classifyAddress } from './callback-address.js';
import type { CallbackConfig } from './callback-config.js';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Host name → addresses (the system resolver by default; tests pass a table). */
export type ResolveHost = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolve: ResolveHost = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

/** A URL that passed every check, with the one address the delivery connects to (no second lookup). */
export interface CallbackTarget {
  readonly url: URL;
  readonly address: ResolvedAddress;
}

const refuse = (message: string, field: string): KubentlyError =>
  new KubentlyError('validation_failed', message, { details: { field } });

const hostAllowed = (host: string, allowed: readonly string[]): boolean =>
  allowed.length === 0 ||
  allowed.some((pattern) =>
    pattern.startsWith('*.')
      ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1
      : host === pattern,
  );

/**
 * The checks that need no network: a secret is configured, the scheme, no credentials in the URL,
 * the host allowlist. Run when a caller hands in a URL, so a bad one is refused at once (400).
 */
export const checkCallbackUrl = (raw: string, config: CallbackConfig, field = 'callbackUrl'): URL => {
  if (config.secret === null) {
    throw refuse(
      `${field} needs a signing secret on the server: set KUBENTLY_CALLBACK_SECRET (at least 32 characters) so receivers can verify deliveries, or leave ${field} out and poll GET /v1/commands/:id`,
      field,
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse(`${field} must be an absolute URL, e.g. https://hooks.example.com/kubently`, field);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && config.allowHttp)) {
    throw refuse(
      url.protocol === 'http:'
        ? `${field} must use https; plain http is allowed only when the server sets KUBENTLY_CALLBACK_ALLOW_HTTP=true (local development)`
        : `${field} must be an https URL (got scheme "${url.protocol.replace(/:$/, '')}")`,
      field,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw refuse(
      `${field} must not carry credentials (user:password@); verify deliveries by their X-Kubently-Signature instead`,
      field,
    );
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!hostAllowed(host, config.allowedHosts)) {
    throw refuse(
      `${field} host "${host}" is not in the server's KUBENTLY_CALLBACK_ALLOWED_HOSTS (${config.allowedHosts.join(', ')}); use one of those hosts or ask the operator to add it`,
      field,
    );
  }
  return url;
};

/**
 * Resolves the URL's host and checks every address it has: one forbidden address (link-local,
 * metadata, ...) or, without KUBENTLY_CALLBACK_ALLOW_PRIVATE_NETWORKS, one private or loopback
 * address refuses the URL, so a name that resolves to both a public and an internal address cannot
 * slip through. The delivery then connects to the checked address only (no rebinding between check
 * and connect). DNS failures are `backend_unavailable` (worth retrying); refusals are not.
 */
export const resolveCallbackTarget = async (
  url: URL,
  config: CallbackConfig,
  resolve: ResolveHost,
  field = 'callbackUrl',
): Promise<CallbackTarget> => {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: readonly ResolvedAddress[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      throw new KubentlyError('backend_unavailable', `${field} host "${host}" does not resolve`, {
        details: { field },
        cause: error,
      });
    }
    if (addresses.length === 0)
      throw new KubentlyError('backend_unavailable', `${field} host "${host}" has no address`, {
        details: { field },
      });
  }
  for (const { address } of addresses) {
    const verdict = classifyAddress(address);
    if (verdict.type === 'forbidden')
      throw refuse(
        `${field} host "${host}" resolves to ${address} in ${verdict.range}, which is never a callback target`,
        field,
      );
    if (verdict.type === 'private' && !config.allowPrivateNetworks)
      throw refuse(
        `${field} host "${host}" resolves to ${address} in ${verdict.range}; internal addresses are refused unless the server sets KUBENTLY_CALLBACK_ALLOW_PRIVATE_NETWORKS=true`,
        field,
      );
  }
  const [first] = addresses;
  if (first === undefined) throw refuse(`${field} host "${host}" has no address`, field);
  return { url, address: first };
};
