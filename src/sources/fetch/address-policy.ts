// Which IP addresses a fetch may connect to: only globally routable unicast (docs/architecture.md, "Fetching
// pages"). ipaddr.js parses to bytes and `process` unmaps IPv4-mapped IPv6 (::ffff:127.0.0.1 is loopback),
// so string tricks cannot slip a private address through.
import ipaddr from 'ipaddr.js';

/** True when the address may be connected to. */
export type AddressPolicy = (address: string) => boolean;

const IPV4_COMPATIBLE = ipaddr.parse('::') as ipaddr.IPv6;

/**
 * Public = ipaddr.js range "unicast", outside ::/96. Everything else is refused: private (10/8, 172.16/12,
 * 192.168/16), loopback, link-local (169.254/16, including the 169.254.169.254 metadata endpoint),
 * unspecified (0.0.0.0, ::), carrier-grade NAT (100.64/10), unique-local (fc00::/7), multicast, reserved,
 * and the IPv6 ranges that embed IPv4 (6to4, Teredo, NAT64, and the deprecated IPv4-compatible ::/96 that
 * ipaddr.js calls unicast: ::7f00:1 is 127.0.0.1), whose inner address we would otherwise have to check.
 */
export const isPublicAddress: AddressPolicy = (address) => {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).match(IPV4_COMPATIBLE, 96)) return false;
  return ipaddr.process(address).range() === 'unicast';
};

// Cloud instance metadata (AWS, GCP, Azure, OpenStack: 169.254.169.254; AWS over IPv6: fd00:ec2::254) hands
// out credentials to whoever asks from the machine, so no setting opens it.
const METADATA_ADDRESSES = new Set(['169.254.169.254', 'fd00:ec2::254']);

/** True for the cloud metadata endpoints, blocked even with ALLOW_PRIVATE_URLS=true. */
export function isMetadataAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // toString() is the canonical form: lower case, zeros compressed, IPv4-mapped IPv6 unmapped.
  return METADATA_ADDRESSES.has(ipaddr.process(address).toString());
}

/** The host of a URL as an IP literal (brackets removed), or undefined for a name. */
export function ipLiteral(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) && (bare.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(bare))
    ? bare
    : undefined;
}
