import { BlockList, isIPv4, isIPv6 } from 'node:net';

export type AddressClass =
  /** Reachable on the internet: always allowed. */
  | { readonly type: 'public' }
  /** Loopback or a private range: allowed only with KUBENTLY_CALLBACK_ALLOW_PRIVATE_NETWORKS. */
  | { readonly type: 'private'; readonly range: string }
  /** Never a callback target (link-local, cloud metadata, unspecified, multicast, reserved). */
  | { readonly type: 'forbidden'; readonly range: string };

type Range = readonly [network: string, prefix: number, family: 'ipv4' | 'ipv6', name: string];

/**
 * Checked first: ranges no configuration opens. The metadata services of the clouds live at
 * 169.254.169.254 (link-local), fd00:ec2::254 (AWS IPv6, inside the private fc00::/7),
 * 100.100.100.200 (Alibaba, inside CGNAT space) and 192.0.0.192 (Oracle): an SSRF through a
 * callback would read instance credentials from them.
 */
const forbidden: readonly Range[] = [
  ['0.0.0.0', 8, 'ipv4', '0.0.0.0/8 (this network)'],
  ['169.254.0.0', 16, 'ipv4', '169.254.0.0/16 (link-local, cloud metadata)'],
  ['100.100.100.200', 32, 'ipv4', '100.100.100.200 (cloud metadata)'],
  ['192.0.0.0', 24, 'ipv4', '192.0.0.0/24 (IETF protocol assignments, cloud metadata)'],
  ['192.0.2.0', 24, 'ipv4', '192.0.2.0/24 (documentation)'],
  ['198.18.0.0', 15, 'ipv4', '198.18.0.0/15 (benchmarking)'],
  ['198.51.100.0', 24, 'ipv4', '198.51.100.0/24 (documentation)'],
  ['203.0.113.0', 24, 'ipv4', '203.0.113.0/24 (documentation)'],
  ['224.0.0.0', 4, 'ipv4', '224.0.0.0/4 (multicast)'],
  ['240.0.0.0', 4, 'ipv4', '240.0.0.0/4 (reserved, broadcast)'],
  ['::', 128, 'ipv6', ':: (unspecified)'],
  ['fd00:ec2::254', 128, 'ipv6', 'fd00:ec2::254 (cloud metadata)'],
  ['fe80::', 10, 'ipv6', 'fe80::/10 (link-local)'],
  ['fec0::', 10, 'ipv6', 'fec0::/10 (site-local)'],
  ['ff00::', 8, 'ipv6', 'ff00::/8 (multicast)'],
  ['100::', 64, 'ipv6', '100::/64 (discard)'],
  ['2001:db8::', 32, 'ipv6', '2001:db8::/32 (documentation)'],
  // IPv4 carried inside IPv6 in forms a gateway may route to any IPv4 address, the metadata ones
  // included: refused outright rather than unwrapped.
  ['::ffff:0:0:0', 96, 'ipv6', '::ffff:0:0:0/96 (IPv4-translated)'],
  ['64:ff9b:1::', 48, 'ipv6', '64:ff9b:1::/48 (local-use NAT64)'],
  ['2002::', 16, 'ipv6', '2002::/16 (6to4)'],
];

const privateRanges: readonly Range[] = [
  ['127.0.0.0', 8, 'ipv4', '127.0.0.0/8 (loopback)'],
  ['10.0.0.0', 8, 'ipv4', '10.0.0.0/8 (private)'],
  ['172.16.0.0', 12, 'ipv4', '172.16.0.0/12 (private)'],
  ['192.168.0.0', 16, 'ipv4', '192.168.0.0/16 (private)'],
  ['100.64.0.0', 10, 'ipv4', '100.64.0.0/10 (carrier-grade NAT)'],
  ['::1', 128, 'ipv6', '::1 (loopback)'],
  ['fc00::', 7, 'ipv6', 'fc00::/7 (unique local)'],
];

const find = (ranges: readonly Range[], address: string, family: 'ipv4' | 'ipv6'): string | undefined =>
  ranges.find(([network, prefix, rangeFamily]) => {
    if (rangeFamily !== family) return false;
    const list = new BlockList();
    list.addSubnet(network, prefix, rangeFamily);
    return list.check(address, family);
  })?.[3];

/**
 * The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) or deprecated
 * IPv4-compatible (::a.b.c.d) address; `::1` and `::` are not IPv4-compatible.
 */
const embeddedIpv4 = (address: string): string | undefined => {
  const lower = address.toLowerCase();
  for (const prefix of ['::ffff:', '64:ff9b::', '::']) {
    if (!lower.startsWith(prefix)) continue;
    const rest = lower.slice(prefix.length);
    if (isIPv4(rest)) return rest;
    const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(rest);
    if (hex?.[1] !== undefined && hex[2] !== undefined) {
      const high = parseInt(hex[1], 16);
      const low = parseInt(hex[2], 16);
      return [high >> 8, high & 255, low >> 8, low & 255].join('.');
    }
  }
  return undefined;
};

/** Classifies one resolved address; anything that is not an IP address is forbidden. */
export const classifyAddress = (address: string): AddressClass => {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const inner = isIPv6(bare) ? embeddedIpv4(bare) : undefined;
  if (inner !== undefined) return classifyAddress(inner);
  const family = isIPv4(bare) ? 'ipv4' : isIPv6(bare) ? 'ipv6' : null;
  if (family === null) return { type: 'forbidden', range: 'not an IP address' };
  const never = find(forbidden, bare, family);
  if (never !== undefined) return { type: 'forbidden', range: never };
  const local = find(privateRanges, bare, family);
  if (local !== undefined) return { type: 'private', range: local };
  return { type: 'public' };
};
