import { BlockList, isIP } from 'node:net';

/**
 * Which addresses a webhook delivery may not connect to, unless WEBHOOK_ALLOW_PRIVATE=true: whatever
 * is not the public internet (loopback, private, link-local, unique-local, carrier-grade NAT,
 * multicast, reserved) and the cloud metadata address. Without it, an ADMIN key (or whoever controls
 * a webhook's DNS) could make the service send requests into its own network and read the answers'
 * status codes: request forgery. Metadata services of other clouds are inside these ranges too
 * (Alibaba 100.100.100.200, Oracle 192.0.0.192, AWS fd00:ec2::254).
 */
interface Rule {
  readonly reason: string;
  readonly list: BlockList;
}

function rule(reason: string, network: string, prefix: number, family: 'ipv4' | 'ipv6'): Rule {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { reason, list };
}

/** In order: the first that holds an address gives its reason (the metadata address before link-local). */
const IPV4_RULES: readonly Rule[] = [
  rule('the cloud metadata address (169.254.169.254)', '169.254.169.254', 32, 'ipv4'),
  rule('"this network" (0.0.0.0/8)', '0.0.0.0', 8, 'ipv4'),
  rule('private (10.0.0.0/8)', '10.0.0.0', 8, 'ipv4'),
  rule('carrier-grade NAT (100.64.0.0/10)', '100.64.0.0', 10, 'ipv4'),
  rule('loopback (127.0.0.0/8)', '127.0.0.0', 8, 'ipv4'),
  rule('link-local (169.254.0.0/16)', '169.254.0.0', 16, 'ipv4'),
  rule('private (172.16.0.0/12)', '172.16.0.0', 12, 'ipv4'),
  rule('IETF protocol assignments (192.0.0.0/24)', '192.0.0.0', 24, 'ipv4'),
  rule('private (192.168.0.0/16)', '192.168.0.0', 16, 'ipv4'),
  rule('benchmarking (198.18.0.0/15)', '198.18.0.0', 15, 'ipv4'),
  rule('multicast (224.0.0.0/4)', '224.0.0.0', 4, 'ipv4'),
  rule('reserved (240.0.0.0/4)', '240.0.0.0', 4, 'ipv4'),
];

const IPV6_RULES: readonly Rule[] = [
  rule('unspecified (::)', '::', 128, 'ipv6'),
  rule('loopback (::1)', '::1', 128, 'ipv6'),
  rule('unique-local (fc00::/7)', 'fc00::', 7, 'ipv6'),
  rule('link-local (fe80::/10)', 'fe80::', 10, 'ipv6'),
  rule('multicast (ff00::/8)', 'ff00::', 8, 'ipv6'),
  // NAT64 reaches any IPv4 address, private ones included, through these: refused as a whole.
  rule('IPv4/IPv6 translation (64:ff9b::/96)', '64:ff9b::', 96, 'ipv6'),
];

/** `::ffff:a.b.c.d`: an IPv4 address written as IPv6; the socket reaches the IPv4 address. */
const IPV4_MAPPED = rule('IPv4-mapped (::ffff:0:0/96)', '::ffff:0:0', 96, 'ipv6');

/**
 * Why a delivery may not connect to `ip` (e.g. `loopback (127.0.0.0/8)`), or null when it may.
 * `ip` is an IPv4 or IPv6 address as `dns.lookup` gives it (an IPv6 zone such as `%eth0` is
 * ignored). An IPv4-mapped IPv6 address is judged by the IPv4 address it holds: `::ffff:127.0.0.1`
 * and `::ffff:7f00:1` are loopback, `::ffff:8.8.8.8` is public. Anything else is refused.
 */
export function forbiddenAddressReason(ip: string): string | null {
  const address = ip.replace(/%.*$/, '');
  switch (isIP(address)) {
    case 4:
      return firstReason(IPV4_RULES, address, 'ipv4');
    case 6: {
      if (IPV4_MAPPED.list.check(address, 'ipv6')) {
        // BlockList compares an IPv4-mapped address with IPv4 rules by the IPv4 address it holds.
        const reason = firstReason(IPV4_RULES, address, 'ipv6');
        return reason === null ? null : `IPv4-mapped, ${reason}`;
      }
      return firstReason(IPV6_RULES, address, 'ipv6');
    }
    default:
      return 'not an IP address';
  }
}

function firstReason(rules: readonly Rule[], address: string, family: 'ipv4' | 'ipv6'): string | null {
  return rules.find((candidate) => candidate.list.check(address, family))?.reason ?? null;
}
