import { header, rawBody, type HttpEvent } from '#shared/http/event';
import type { RouteDef } from '#shared/http/routes';

/**
 * What the rate limiter can learn about a request before any handler runs, cheaply and without
 * throwing: which address it comes from, which client it names, and whether it checks a
 * password (argon2id: ~19 MiB and tens of milliseconds of CPU each, the cost worth guarding).
 * A malformed request yields no client; the handler answers it with its own 400.
 */
export interface RequestKeys {
  ip: string;
  /** The client named by the request (not yet authenticated), when the route takes one in its body. */
  clientId: string | undefined;
  checksPassword: boolean;
}

/** Grants that verify a user's password (Auth0's names). */
const PASSWORD_GRANTS = new Set(['password', 'http://auth0.com/oauth/grant-type/password-realm']);

export function requestKeys(route: RouteDef, event: HttpEvent): RequestKeys {
  const ip = ipKey(event.requestContext.http.sourceIp);
  if (route.id === 'oauth-token') {
    const params = bodyParams(event);
    const clientId = basicClientId(header(event, 'authorization')) ?? params?.client_id;
    return { ip, clientId, checksPassword: PASSWORD_GRANTS.has(params?.grant_type ?? '') };
  }
  // Sign-ups hash a password; cross-origin authentication (Lock) checks one.
  if (route.id === 'signup' || route.id === 'co-authenticate') return { ip, clientId: bodyParams(event)?.client_id, checksPassword: true };
  // The hosted login and signup forms check (or hash) a password.
  if (route.id === 'login-submit') return { ip, clientId: undefined, checksPassword: true };
  return { ip, clientId: undefined, checksPassword: false };
}

/**
 * One bucket per IPv4 address, and per IPv6 /64: a single host is commonly given a whole /64, so
 * keying on the full address would hand it 2^64 buckets. IPv4-mapped IPv6 counts as IPv4.
 */
export function ipKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]!.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...zeros, ...right].map((group) => group.replace(/^0+(?=.)/, ''));
}

function bodyParams(event: HttpEvent): Record<string, string> | undefined {
  const type = (header(event, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  const text = rawBody(event).toString('utf8');
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  if (type !== 'application/json') return undefined;
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
    const out: Record<string, string> = Object.create(null);
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return undefined;
  }
}

function basicClientId(value: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(value ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon));
  } catch {
    return undefined;
  }
}
