import { describe, expect, it } from 'vitest';

import { classifyAddress } from '../../src/callbacks/callback-address.js';

describe('callback address classes', () => {
  it.each([
    ['93.184.216.34', 'public'],
    ['2606:2800:220:1:248:1893:25c8:1946', 'public'],
    ['8.8.8.8', 'public'],
    ['127.0.0.1', 'private'],
    ['127.8.9.10', 'private'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['169.254.169.254', 'forbidden'],
    ['169.254.0.1', 'forbidden'],
    ['fd00:ec2::254', 'forbidden'],
    ['100.100.100.200', 'forbidden'],
    ['192.0.0.192', 'forbidden'],
    ['0.0.0.0', 'forbidden'],
    ['::', 'forbidden'],
    ['fe80::1', 'forbidden'],
    ['fe80::1%eth0', 'forbidden'],
    ['224.0.0.1', 'forbidden'],
    ['255.255.255.255', 'forbidden'],
    ['ff02::1', 'forbidden'],
    // IPv4 inside IPv6 is judged by the IPv4 address it reaches.
    ['::ffff:169.254.169.254', 'forbidden'],
    ['::ffff:a9fe:a9fe', 'forbidden'],
    ['::ffff:127.0.0.1', 'private'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['::ffff:93.184.216.34', 'public'],
    ['::7f00:1', 'private'],
    ['::a9fe:a9fe', 'forbidden'],
    ['::169.254.169.254', 'forbidden'],
    ['::ffff:0:a9fe:a9fe', 'forbidden'],
    ['64:ff9b:1::a9fe:a9fe', 'forbidden'],
    ['2002:a9fe:a9fe::1', 'forbidden'],
    ['[::1]', 'private'],
    ['not-an-address', 'forbidden'],
  ] as const)('%s is %s', (address, type) => {
    expect(classifyAddress(address).type).toBe(type);
  });

  it('names the range it matched', () => {
    expect(classifyAddress('169.254.169.254')).toEqual({
      type: 'forbidden',
      range: '169.254.0.0/16 (link-local, cloud metadata)',
    });
    expect(classifyAddress('fd00:ec2::254')).toEqual({
      type: 'forbidden',
      range: 'fd00:ec2::254 (cloud metadata)',
    });
  });
});
