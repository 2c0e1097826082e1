import { forbiddenAddressReason } from './address-policy';

describe('the addresses a webhook delivery may not reach', () => {
  it.each([
    // IPv4
    ['0.0.0.0', '"this network" (0.0.0.0/8)'],
    ['0.255.255.255', '"this network" (0.0.0.0/8)'],
    ['10.0.0.1', 'private (10.0.0.0/8)'],
    ['10.255.255.255', 'private (10.0.0.0/8)'],
    ['100.64.0.1', 'carrier-grade NAT (100.64.0.0/10)'],
    ['100.100.100.200', 'carrier-grade NAT (100.64.0.0/10)'],
    ['100.127.255.255', 'carrier-grade NAT (100.64.0.0/10)'],
    ['127.0.0.1', 'loopback (127.0.0.0/8)'],
    ['127.255.255.254', 'loopback (127.0.0.0/8)'],
    ['169.254.169.254', 'the cloud metadata address (169.254.169.254)'],
    ['169.254.0.1', 'link-local (169.254.0.0/16)'],
    ['169.254.255.255', 'link-local (169.254.0.0/16)'],
    ['172.16.0.1', 'private (172.16.0.0/12)'],
    ['172.31.255.255', 'private (172.16.0.0/12)'],
    ['192.0.0.192', 'IETF protocol assignments (192.0.0.0/24)'],
    ['192.168.1.1', 'private (192.168.0.0/16)'],
    ['198.18.0.1', 'benchmarking (198.18.0.0/15)'],
    ['198.19.255.255', 'benchmarking (198.18.0.0/15)'],
    ['224.0.0.1', 'multicast (224.0.0.0/4)'],
    ['239.255.255.250', 'multicast (224.0.0.0/4)'],
    ['240.0.0.1', 'reserved (240.0.0.0/4)'],
    ['255.255.255.255', 'reserved (240.0.0.0/4)'],
    // IPv6
    ['::', 'unspecified (::)'],
    ['0:0:0:0:0:0:0:0', 'unspecified (::)'],
    ['::1', 'loopback (::1)'],
    ['0:0:0:0:0:0:0:1', 'loopback (::1)'],
    ['fc00::1', 'unique-local (fc00::/7)'],
    ['fd00:ec2::254', 'unique-local (fc00::/7)'],
    ['fdff:ffff::1', 'unique-local (fc00::/7)'],
    ['fe80::1', 'link-local (fe80::/10)'],
    ['fe80::1%eth0', 'link-local (fe80::/10)'],
    ['febf:ffff::1', 'link-local (fe80::/10)'],
    ['ff02::1', 'multicast (ff00::/8)'],
    ['FF05::1:3', 'multicast (ff00::/8)'],
    ['64:ff9b::808:808', 'IPv4/IPv6 translation (64:ff9b::/96)'],
    ['64:ff9b::7f00:1', 'IPv4/IPv6 translation (64:ff9b::/96)'],
    // IPv4-mapped IPv6: judged by the IPv4 address inside
    ['::ffff:127.0.0.1', 'IPv4-mapped, loopback (127.0.0.0/8)'],
    ['::ffff:7f00:1', 'IPv4-mapped, loopback (127.0.0.0/8)'],
    ['0:0:0:0:0:ffff:7f00:1', 'IPv4-mapped, loopback (127.0.0.0/8)'],
    ['::FFFF:7F00:0001', 'IPv4-mapped, loopback (127.0.0.0/8)'],
    ['::ffff:10.1.2.3', 'IPv4-mapped, private (10.0.0.0/8)'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped, the cloud metadata address (169.254.169.254)'],
    ['::ffff:0.0.0.0', 'IPv4-mapped, "this network" (0.0.0.0/8)'],
    ['::ffff:c0a8:101', 'IPv4-mapped, private (192.168.0.0/16)'],
    // Not an address at all
    ['localhost', 'not an IP address'],
    ['', 'not an IP address'],
    ['127.0.0.1.nip.io', 'not an IP address'],
  ])('refuses %s: %s', (ip, reason) => {
    expect(forbiddenAddressReason(ip)).toBe(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '9.255.255.255', // just below 10/8
    '11.0.0.0', // just above 10/8
    '100.63.255.255', // below 100.64/10
    '100.128.0.0', // above it
    '126.255.255.255',
    '128.0.0.0',
    '169.253.255.255',
    '169.255.0.0',
    '172.15.255.255', // below 172.16/12
    '172.32.0.0', // above it
    '192.0.1.1',
    '192.0.2.1', // documentation, not private: it reaches nothing in a network
    '192.167.255.255',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255', // below multicast
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::2',
    'fbff:ffff::1', // below fc00::/7
    'fec0::1', // above fe80::/10
    '64:ff9b:1::808:808', // outside 64:ff9b::/96
    '::ffff:8.8.8.8',
    '::ffff:808:808',
  ])('lets %s through', (ip) => {
    expect(forbiddenAddressReason(ip)).toBeNull();
  });
});
