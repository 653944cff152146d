// Which IP addresses a fetch may connect to (../../../../shared/notes/reliability-performance.md §4):
// only globally routable unicast. ipaddr.js parses to bytes and `process` unmaps IPv4-mapped IPv6
// (::ffff:127.0.0.1 is loopback), so string tricks cannot slip a private address through.
import ipaddr from 'ipaddr.js';

/** True when the address may be connected to. */
export type AddressPolicy = (address: string) => boolean;

/**
 * Public = ipaddr.js range "unicast". Everything else is refused: private (10/8, 172.16/12, 192.168/16),
 * loopback, link-local (169.254/16, including the 169.254.169.254 metadata endpoint), unspecified (0.0.0.0,
 * ::), carrier-grade NAT (100.64/10), unique-local (fc00::/7), multicast, reserved, and the IPv6 ranges
 * that embed IPv4 (6to4, Teredo, NAT64), whose inner address we would otherwise have to check too.
 */
export const isPublicAddress: AddressPolicy = (address) => {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
};

/** The host of a URL as an IP literal (brackets removed), or undefined for a name. */
export function ipLiteral(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) && (bare.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(bare))
    ? bare
    : undefined;
}
