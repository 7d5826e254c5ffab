import { createHash, randomBytes } from 'node:crypto';

/**
 * The hosted login's cookies, as Auth0 names them:
 * - `auth0`, the SSO session: `<base64url user id>.<secret>`; the table keeps only the secret's
 *   SHA-256. SameSite=None, because silent authentication loads /authorize in an iframe of the
 *   application's (possibly cross-site) page, and such a request carries only SameSite=None cookies.
 * - `did`, the device: binds login transactions to the browser that started them (with the forms'
 *   CSRF token). SameSite=Lax: it is only needed on top-level navigations and our own forms.
 * Both HttpOnly (no script reads them) and Secure.
 */
export const SESSION_COOKIE = 'auth0';
export const DEVICE_COOKIE = 'did';

const MAX_USER_ID_LENGTH = 256;

export const newSecret = () => randomBytes(32).toString('base64url');
export const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url');

export interface SessionCookie {
  userId: string;
  secret: string;
}

/** `maxAgeSeconds` undefined: a browser-session cookie (the tenant's `session_cookie.mode: non-persistent`). */
export function formatSessionCookie(value: SessionCookie, maxAgeSeconds: number | undefined): string {
  const encoded = `${Buffer.from(value.userId, 'utf8').toString('base64url')}.${value.secret}`;
  const maxAge = maxAgeSeconds === undefined ? '' : `; Max-Age=${maxAgeSeconds}`;
  return `${SESSION_COOKIE}=${encoded}${maxAge}; Path=/; HttpOnly; Secure; SameSite=None`;
}

export function parseSessionCookie(raw: string | undefined): SessionCookie | undefined {
  const match = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/.exec(raw ?? '');
  if (!match) return undefined;
  const userId = Buffer.from(match[1]!, 'base64url').toString('utf8');
  if (userId.length === 0 || userId.length > MAX_USER_ID_LENGTH || userId.includes('\uFFFD')) return undefined;
  return { userId, secret: match[2]! };
}

export const clearSessionCookie = () => `${SESSION_COOKIE}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=None`;

/** A device id lives a year; a new one is issued whenever the browser has none. */
const DEVICE_MAX_AGE = 365 * 24 * 3600;

export function deviceCookie(existing: string | undefined): { id: string; setCookie?: string } {
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return { id: existing };
  const id = newSecret();
  return { id, setCookie: `${DEVICE_COOKIE}=${id}; Max-Age=${DEVICE_MAX_AGE}; Path=/; HttpOnly; Secure; SameSite=Lax` };
}
