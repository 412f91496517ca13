import { BlockList, isIPv4, isIPv6 } from 'node:net';

import type { Context } from 'hono';

/** The socket a request arrived on, when the app runs behind @hono/node-server; null in tests. */
const socketOf = (env: unknown): object | null => {
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return null;
  const incoming: unknown = env.incoming;
  if (typeof incoming !== 'object' || incoming === null || !('socket' in incoming)) return null;
  const socket: unknown = incoming.socket;
  return typeof socket === 'object' && socket !== null ? socket : null;
};

const socketAddressOf = (env: unknown): string | null => {
  const socket = socketOf(env);
  if (socket === null || !('remoteAddress' in socket)) return null;
  return typeof socket.remoteAddress === 'string' ? socket.remoteAddress : null;
};

/** `::ffff:10.0.0.1` is 10.0.0.1; anything that is not an IP address is null. */
const normalise = (address: string): string | null => {
  const trimmed = address.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed)?.[1];
  if (mapped !== undefined && isIPv4(mapped)) return mapped;
  if (isIPv4(trimmed) || isIPv6(trimmed)) return trimmed;
  return null;
};

const familyOf = (address: string): 'ipv4' | 'ipv6' => (isIPv4(address) ? 'ipv4' : 'ipv6');

/**
 * Proxies whose `X-Forwarded-For` is believed (KUBENTLY_TRUSTED_PROXIES: addresses and CIDR
 * ranges). Entries are validated by config.ts; a bad one never reaches here.
 */
export const trustedProxyList = (entries: readonly string[]): BlockList => {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const ip = normalise(address);
    if (ip === null) continue;
    if (prefix === undefined) list.addAddress(ip, familyOf(ip));
    else list.addSubnet(ip, Number(prefix), familyOf(ip));
  }
  return list;
};

const isTrusted = (list: BlockList, address: string): boolean => list.check(address, familyOf(address));

/**
 * Who sent the request, for logging and per-source limits. The socket peer, unless it is a trusted
 * proxy: then the right-most address of `X-Forwarded-For` that is not itself a trusted proxy (the
 * left part of that header is whatever the client wrote, so it is never believed). `unknown` when
 * the app is driven without a socket (tests).
 */
export const sourceAddressOf = (c: Context, trusted: BlockList): string => {
  const peer = socketAddressOf(c.env);
  const address = peer === null ? null : normalise(peer);
  if (address === null) return 'unknown';
  if (!isTrusted(trusted, address)) return address;
  const forwarded = (c.req.header('x-forwarded-for') ?? '').split(',').reverse();
  let source = address;
  for (const hop of forwarded) {
    const ip = normalise(hop);
    if (ip === null) break;
    source = ip;
    if (!isTrusted(trusted, ip)) break;
  }
  return source;
};

/**
 * The key failures are counted under: an IPv4 address, or the /64 of an IPv6 address (one host
 * usually holds a whole /64, so counting single IPv6 addresses would not slow anyone down).
 */
export const sourceKeyOf = (source: string): string => {
  if (!isIPv6(source)) return source;
  const expanded = expandIPv6(source);
  return expanded === null ? source : `${expanded.slice(0, 4).join(':')}::/64`;
};

const expandIPv6 = (address: string): string[] | null => {
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  if (right.some((part) => part.includes('.')) || left.some((part) => part.includes('.'))) return null;
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return null;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((part) =>
    part.toLowerCase().replace(/^0+(?=.)/, ''),
  );
};

/**
 * `http://ADDRESS:PORT` of the socket a request arrived on (the listening address as the peer
 * reached it), never the request's Host header; null without a socket (tests).
 */
export const localOriginOf = (c: Context): string | null => {
  const socket = socketOf(c.env);
  if (socket === null) return null;
  const address = 'localAddress' in socket ? socket.localAddress : undefined;
  const port = 'localPort' in socket ? socket.localPort : undefined;
  if (typeof address !== 'string' || typeof port !== 'number') return null;
  const ip = normalise(address);
  if (ip === null) return null;
  return `http://${isIPv6(ip) ? `[${ip}]` : ip}:${port}`;
};
