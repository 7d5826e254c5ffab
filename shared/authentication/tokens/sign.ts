import type { JWTPayload } from 'jose';
import { SIGNING_ALG } from '#shared/authentication/tokens/algorithm';
import { currentSigner } from '#shared/authentication/tokens/current-signer';
import type { Signer } from '#shared/authentication/tokens/signer';

/**
 * Compact JWS, built here rather than by jose so that a KMS key can sign it: the header is
 * `{alg, typ, kid}` in that order and claims keep the order given (Auth0's, for byte-level
 * parity), exactly what jose's SignJWT produced before.
 */
const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWS under any protected header (tests use it to forge headers with the real key). */
export async function signJws(header: Record<string, unknown>, claims: JWTPayload, signer: Signer): Promise<string> {
  const signingInput = `${encode(header)}.${encode(claims)}`;
  const signature = await signer.sign(Buffer.from(signingInput, 'utf8'));
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}

export const signJwtWith = (signer: Signer, claims: JWTPayload) =>
  signJws({ alg: SIGNING_ALG, typ: 'JWT', kid: signer.kid }, claims, signer);

/** Signs claims with the current key. */
export async function signJwt(claims: JWTPayload): Promise<string> {
  return signJwtWith(await currentSigner(), claims);
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
