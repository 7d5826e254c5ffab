import { carriedIPv4, inPrefix, ipBytes, type Bytes } from '#shared/platform/net/ip-ranges';

/**
 * Cloud metadata and credential endpoints: never reachable from a rule, whatever the operator's
 * allow-list says (config refuses an entry covering one; the check at connect time is the
 * guarantee). A rule that reached one could read the runner's IAM credentials.
 */
const METADATA = [
  '169.254.169.254', // EC2 IMDS (also GCP, Azure, OpenStack, Oracle)
  '169.254.170.2', // ECS task metadata and credentials
  '169.254.170.23', // EKS Pod Identity agent
  'fd00:ec2::254', // EC2 IMDS over IPv6
  'fd00:ec2::23', // EKS Pod Identity agent over IPv6
  '100.100.100.200', // Alibaba Cloud
  '192.0.0.192', // Oracle Cloud (legacy)
].map((a) => ipBytes(a)!);

const equal = (a: Bytes, b: Bytes) => a.every((byte, i) => byte === b[i]);

/** The address itself, or an IPv4 address it carries (mapped, NAT64, 6to4, Teredo...), is one. */
export function isMetadataAddress(address: string): boolean {
  const bytes = ipBytes(address);
  if (!bytes) return false;
  return [bytes, ...carriedIPv4(bytes)].some((b) => METADATA.some((m) => equal(b, m)));
}

/** An allow-list prefix that contains a metadata address in any of its forms (checked at config). */
export function coversMetadata(net: Bytes, bits: number): boolean {
  return METADATA.some((m) => inPrefix(m, net, bits) || embeddings(m).some((e) => inPrefix(e, net, bits)));
}

/** The IPv6 forms that carry an IPv4 address, for `coversMetadata` (Teredo is refused at connect). */
function embeddings(mapped: Bytes): Bytes[] {
  if (!inPrefix(mapped, ipBytes('::ffff:0:0')!, 96)) return [];
  const [a, b, c, d] = mapped.slice(12) as unknown as [number, number, number, number];
  return [
    Uint8Array.from([...Array<number>(12).fill(0), a, b, c, d]), // ::a.b.c.d
    Uint8Array.from([0, 0x64, 0xff, 0x9b, ...Array<number>(8).fill(0), a, b, c, d]), // 64:ff9b::a.b.c.d
    Uint8Array.from([0, 0x64, 0xff, 0x9b, 0, 1, ...Array<number>(6).fill(0), a, b, c, d]), // 64:ff9b:1::a.b.c.d
    Uint8Array.from([0x20, 0x02, a, b, c, d, ...Array<number>(10).fill(0)]), // 2002:a.b:c.d::
  ];
}
