import { isIP } from 'node:net';

/**
 * Which IP addresses a rule's `fetch` may reach by default: global unicast only. Every address is
 * handled as 16 bytes (IPv4 as ::ffff:a.b.c.d), so one prefix check serves both families and an
 * IPv4 address cannot slip through in IPv6 clothing.
 *
 * IPv6 forms that carry an IPv4 address are judged by that address when the packet really ends
 * there: IPv4-mapped (::ffff:0:0/96, which Node connects to as IPv4), the well-known NAT64 prefix
 * (64:ff9b::/96, what DNS64 hands out on IPv6-only networks) and 6to4 (2002::/16). Forms with no
 * legitimate use for a server are refused outright: IPv4-compatible (::/96, deprecated), Teredo
 * (2001::/32, a client tunnel whose real endpoint is obfuscated) and local-use NAT64
 * (64:ff9b:1::/48, whose embedding depends on the operator's prefix length).
 */
export type Bytes = Uint8Array;

/** 16 bytes for an IPv4 or IPv6 literal (no brackets, no zone), or undefined. */
export function ipBytes(address: string): Bytes | undefined {
  const family = isIP(address);
  if (family === 4) return Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...address.split('.').map(Number)]);
  if (family !== 6) return undefined;
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const words = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return Uint8Array.from(words.flatMap((w) => [parseInt(w, 16) >> 8, parseInt(w, 16) & 0xff]));
}

/** Whether `bytes` lies in the prefix `net`/`bits` (both 16-byte forms). */
export function inPrefix(bytes: Bytes, net: Bytes, bits: number): boolean {
  for (let i = 0; i < 16 && bits > 0; i += 1, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i]! & mask) !== (net[i]! & mask)) return false;
  }
  return true;
}

const prefix = (cidr: string): [Bytes, number] => {
  const [address = '', bits = ''] = cidr.split('/');
  const bytes = ipBytes(address)!;
  return [bytes, Number(bits) + (isIP(address) === 4 ? 96 : 0)];
};
const within = (bytes: Bytes, list: [Bytes, number][]) => list.some(([net, bits]) => inPrefix(bytes, net, bits));

/** IPv4 ranges that are not global unicast (IANA special-purpose registry, RFC 6890 and later). */
const IPV4_REFUSED = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.0.2.0/24', '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24',
  '224.0.0.0/3', // multicast, reserved and 255.255.255.255
].map(prefix);

const MAPPED = prefix('::ffff:0:0/96');
const NAT64 = prefix('64:ff9b::/96');
const SIX_TO_FOUR = prefix('2002::/16');
const LOCAL_NAT64 = prefix('64:ff9b:1::/48');
const TEREDO = prefix('2001::/32');
const GLOBAL_UNICAST = prefix('2000::/3');
/** Inside 2000::/3 but not global: IETF protocol assignments (Teredo among them), documentation. */
const IPV6_REFUSED = ['2001::/23', '2001:db8::/32', '3fff::/20'].map(prefix);

const v4 = (a: number, b: number, c: number, d: number) => Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d]);

/** The IPv4 address a packet to `bytes` really goes to, for the forms judged by it (see above). */
export function routedIPv4(bytes: Bytes): Bytes | undefined {
  if (inPrefix(bytes, ...MAPPED)) return bytes;
  if (inPrefix(bytes, ...NAT64)) return v4(bytes[12]!, bytes[13]!, bytes[14]!, bytes[15]!);
  if (inPrefix(bytes, ...SIX_TO_FOUR)) return v4(bytes[2]!, bytes[3]!, bytes[4]!, bytes[5]!);
  return undefined;
}

/**
 * Every IPv4 address an IPv6 form may carry, for the never-allowed check (metadata.ts): also the
 * refused forms, so an allow-list entry covering them cannot open a way to a metadata address.
 */
export function carriedIPv4(bytes: Bytes): Bytes[] {
  const routed = routedIPv4(bytes);
  const out = routed ? [routed] : [];
  if (bytes.slice(0, 12).every((b) => b === 0)) out.push(v4(bytes[12]!, bytes[13]!, bytes[14]!, bytes[15]!));
  if (inPrefix(bytes, ...LOCAL_NAT64)) out.push(v4(bytes[12]!, bytes[13]!, bytes[14]!, bytes[15]!));
  if (inPrefix(bytes, ...TEREDO)) {
    out.push(v4(bytes[4]!, bytes[5]!, bytes[6]!, bytes[7]!)); // Teredo server
    out.push(v4(bytes[12]! ^ 0xff, bytes[13]! ^ 0xff, bytes[14]! ^ 0xff, bytes[15]! ^ 0xff)); // Teredo client
  }
  return out;
}

/** Global unicast: the only addresses a rule may reach unless the operator allows more. */
export function isGlobalUnicast(address: string): boolean {
  const bytes = ipBytes(address);
  if (!bytes) return false;
  const ipv4 = routedIPv4(bytes);
  if (ipv4) return !within(ipv4, IPV4_REFUSED);
  return inPrefix(bytes, ...GLOBAL_UNICAST) && !within(bytes, IPV6_REFUSED);
}
