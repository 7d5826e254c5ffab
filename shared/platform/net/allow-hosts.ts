import { isIP, isIPv6 } from 'node:net';
import { ipBytes } from '#shared/platform/net/ip-ranges';
import { coversMetadata } from '#shared/platform/net/metadata-addresses';

/**
 * EXTENSIONS_ALLOW_HOSTS: the operator's exceptions to "global unicast only", for legacy stores
 * and services in private networks. Comma-separated entries, each one of
 *   host            a DNS name, any port (the name is trusted: what it resolves to is allowed)
 *   host:port       a DNS name, that port only
 *   10.1.2.3[:port], [fd12::1][:port], fd12::1   one address, any port or that port
 *   10.0.0.0/8, fd00:1::/32                        a CIDR range, any port
 * Parsed entries are plain data (structured-cloneable, JSON), so a policy can cross to a worker.
 */
export type AllowEntry =
  | { kind: 'name'; host: string; port?: number }
  | { kind: 'ip'; net: number[]; bits: number; port?: number };

export class AllowHostsError extends Error {
  override readonly name = 'AllowHostsError';
}

export function parseAllowHosts(text: string | undefined): AllowEntry[] {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map(parseEntry);
}

function parseEntry(entry: string): AllowEntry {
  const parsed = entry.includes('/') ? cidr(entry) : hostAndPort(entry);
  if (!parsed) throw new AllowHostsError(`"${entry}" is not a host, host:port, IP address or CIDR range`);
  if (parsed.kind === 'ip' && coversMetadata(Uint8Array.from(parsed.net), parsed.bits)) {
    throw new AllowHostsError(`"${entry}" covers a cloud metadata address (such as 169.254.169.254), which can never be allowed`);
  }
  return parsed;
}

function cidr(entry: string): AllowEntry | undefined {
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(entry);
  const family = match ? isIP(match[1]!) : 0;
  if (!match || family === 0) return undefined;
  const bits = Number(match[2]);
  if (bits > (family === 4 ? 32 : 128)) return undefined;
  return { kind: 'ip', net: [...ipBytes(match[1]!)!], bits: bits + (family === 4 ? 96 : 0) };
}

function hostAndPort(entry: string): AllowEntry | undefined {
  if (isIPv6(entry)) return { kind: 'ip', net: [...ipBytes(entry)!], bits: 128 };
  const match = /^(?:\[([^\]]+)\]|([^:[\]\s]+))(?::(\d{1,5}))?$/.exec(entry);
  if (!match) return undefined;
  const port = match[3] === undefined ? undefined : Number(match[3]);
  if (port !== undefined && (port < 1 || port > 65_535)) return undefined;
  const withPort = port === undefined ? {} : { port };
  const literal = match[1] ?? match[2]!;
  if (match[1] !== undefined && !isIPv6(literal)) return undefined;
  if (isIP(literal)) return { kind: 'ip', net: [...ipBytes(literal)!], bits: 128, ...withPort };
  return isHostName(literal) ? { kind: 'name', host: literal.toLowerCase().replace(/\.$/, ''), ...withPort } : undefined;
}

/**
 * A DNS name as URLs carry it (letters, digits, hyphens, dots, and underscores, which container
 * service names use); no numeric forms like 0x7f.1, which URLs turn into another address.
 */
function isHostName(host: string): boolean {
  if (!/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$/i.test(host) || host.length > 253) return false;
  try {
    return new URL(`http://${host}/`).hostname === host.toLowerCase();
  } catch {
    return false;
  }
}
