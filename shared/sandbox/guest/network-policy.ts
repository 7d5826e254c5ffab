import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { parseAllowHosts, type AllowEntry } from '#shared/platform/net/allow-hosts';
import { inPrefix, ipBytes, isGlobalUnicast } from '#shared/platform/net/ip-ranges';
import { isMetadataAddress } from '#shared/platform/net/metadata-addresses';

/**
 * Where a rule's `fetch` may connect: global unicast addresses only (ip-ranges.ts), in AWS and
 * locally alike, plus what the operator allows (EXTENSIONS_ALLOW_HOSTS, allow-hosts.ts). Never a
 * cloud metadata address, and in Lambda never the Runtime API (127.0.0.1:9001, through which a
 * rule could answer the invocation itself). A rule that fetched a URL taken from a user's profile
 * must not be steerable into anything internal. The policy is plain data (structured-cloneable).
 */
export interface NetworkPolicy {
  allow: AllowEntry[];
  /** Addresses refused even when `allow` covers them (the Lambda Runtime API). */
  reserved: AllowEntry[];
}

export class NetworkPolicyError extends Error {
  override readonly name = 'NetworkPolicyError';
}

/** The policy for this process: EXTENSIONS_ALLOW_HOSTS (validated by config at cold start). */
export function sandboxNetworkPolicy(env: NodeJS.ProcessEnv = process.env): NetworkPolicy {
  const runtimeApi = env.AWS_LAMBDA_RUNTIME_API;
  return { allow: parseAllowHosts(env.EXTENSIONS_ALLOW_HOSTS), reserved: runtimeApi ? parseAllowHosts(runtimeApi) : [] };
}

/** A policy allowing `entries` (EXTENSIONS_ALLOW_HOSTS syntax), e.g. for tests against local servers. */
export function allowingHosts(entries: string[]): NetworkPolicy {
  return { allow: parseAllowHosts(entries.join(',')), reserved: [] };
}

const portMatches = (entry: AllowEntry, port: number) => entry.port === undefined || entry.port === port;

function covers(entries: AllowEntry[], address: string, port: number): boolean {
  const bytes = ipBytes(address);
  return !!bytes && entries.some((e) => e.kind === 'ip' && portMatches(e, port) && inPrefix(bytes, Uint8Array.from(e.net), e.bits));
}

function allowsName(policy: NetworkPolicy, hostname: string, port: number): boolean {
  return policy.allow.some((e) => e.kind === 'name' && e.host === hostname.toLowerCase().replace(/\.$/, '') && portMatches(e, port));
}

/** Why connecting to `address` is refused, or undefined; `trusted` when the URL's name is allowed. */
function refusal(address: string, port: number, policy: NetworkPolicy, trusted: boolean): string | undefined {
  if (isMetadataAddress(address)) return 'cloud metadata address';
  if (covers(policy.reserved, address, port)) return 'reserved address';
  if (trusted || covers(policy.allow, address, port) || isGlobalUnicast(address)) return undefined;
  return 'private address';
}

/** Refuses a literal IP host before connecting (Node skips `lookup` for literals). */
export function checkHost(hostname: string, port: number, policy: NetworkPolicy): void {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (!ipBytes(bare)) return;
  const why = refusal(bare, port, policy, false);
  if (why) throw new NetworkPolicyError(`connecting to ${hostname} is not allowed (${why})`);
}

/**
 * A `lookup` for http.request that refuses names resolving to addresses the policy refuses. The
 * check runs on the addresses the socket then connects to, so a DNS answer cannot change between
 * the two. A name on the allow-list may resolve anywhere but to a metadata or reserved address.
 */
export function guardedLookup(hostname: string, port: number, policy: NetworkPolicy): LookupFunction {
  const trusted = allowsName(policy, hostname, port);
  return (name, options, callback) => {
    dnsLookup(name, options, (error, address: string | LookupAddress[], family?: number) => {
      if (error) return callback(error, address, family);
      const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
      const why = addresses.map((a) => refusal(a, port, policy, trusted)).find((w) => w !== undefined);
      if (why) return callback(new NetworkPolicyError(`connecting to ${hostname} is not allowed (${why})`), address, family);
      callback(null, address, family);
    });
  };
}
