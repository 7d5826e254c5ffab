import { randomBytes } from 'node:crypto';

/** Auth0-shaped identifiers from a CSPRNG. */
export const randomHex = (bytes: number) => randomBytes(bytes).toString('hex');

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Unbiased: bytes at or above the largest multiple of 62 are discarded. */
export function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}

/** A 24-hex id, like the id part of Auth0's `auth0|…` database users. */
export const newUserIdPart = () => randomHex(12);
export const newClientId = () => randomAlphanumeric(32);
export const newClientSecret = () => randomBytes(48).toString('base64url');
export const newConnectionId = () => `con_${randomAlphanumeric(16)}`;
/** Auth0's resource server ids are 24 hex characters; client grant ids are `cgr_` and 16 alphanumerics. */
export const newResourceServerId = () => randomHex(12);
export const newClientGrantId = () => `cgr_${randomAlphanumeric(16)}`;
