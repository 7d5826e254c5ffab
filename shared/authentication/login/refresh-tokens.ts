import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Refresh tokens with rotation: `<sid>.<generation>.<mac>`, where the MAC is an HMAC of the sid
 * and generation under a key that only the session item holds. The server can therefore tell a
 * genuine token of an earlier generation (reuse: revoke the session) from a forged one (refuse,
 * revoke nothing) without storing every token it ever issued.
 */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 86_400;

export const newRefreshKey = () => randomBytes(32).toString('base64url');

const mac = (key: string, sid: string, generation: number) =>
  createHmac('sha256', Buffer.from(key, 'base64url')).update(`${sid}.${generation}`).digest('base64url');

export const refreshToken = (key: string, sid: string, generation: number) => `${sid}.${generation}.${mac(key, sid, generation)}`;

export interface PresentedRefreshToken {
  sid: string;
  generation: number;
  mac: string;
}

export function parseRefreshToken(token: string): PresentedRefreshToken | undefined {
  const match = /^([A-Za-z0-9_-]{16,64})\.(\d{1,9})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return match ? { sid: match[1]!, generation: Number(match[2]), mac: match[3]! } : undefined;
}

export function isGenuine(key: string, presented: PresentedRefreshToken): boolean {
  const expected = Buffer.from(mac(key, presented.sid, presented.generation));
  const given = Buffer.from(presented.mac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
