import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where a rule's `fetch` may connect. In AWS the runner Lambda refuses loopback, link-local and
 * private addresses: the Lambda Runtime API listens on 127.0.0.1, and a rule that fetched a URL
 * taken from a user's profile must not be steerable into it (or into anything else internal).
 * Locally (in-process) private addresses stay allowed, so rules can call services on the same machine.
 */
export interface NetworkPolicy {
  allowPrivateNetwork: boolean;
}

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 3],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [['::', 127], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

export class NetworkPolicyError extends Error {
  override readonly name = 'NetworkPolicyError';
}

/** IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) are matched against the IPv4 ranges too. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Refuses a literal IP host before connecting (Node skips `lookup` for literals). */
export function checkHost(hostname: string, policy: NetworkPolicy): void {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivateNetwork && isPrivateAddress(bare)) {
    throw new NetworkPolicyError(`connecting to ${hostname} is not allowed (private address)`);
  }
}

/**
 * A `lookup` for http.request that refuses names resolving to private addresses. The check runs
 * on the addresses the socket then connects to, so a DNS answer cannot change between the two.
 */
export function guardedLookup(policy: NetworkPolicy): LookupFunction | undefined {
  if (policy.allowPrivateNetwork) return undefined;
  return (hostname, options, callback) => {
    dnsLookup(hostname, options, (error, address: string | LookupAddress[], family?: number) => {
      if (error) return callback(error, address, family);
      const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
      if (addresses.some(isPrivateAddress)) {
        return callback(new NetworkPolicyError(`connecting to ${hostname} is not allowed (private address)`), address, family);
      }
      callback(null, address, family);
    });
  };
}
