import { SignJWT, type JWTPayload } from 'jose';
import { SIGNING_ALG } from '#shared/tokens/algorithm';
import { currentSigner } from '#shared/tokens/signing-keys';

/** Signs claims with the current key. Claims keep the order given (Auth0's order, for byte-level parity). */
export async function signJwt(claims: JWTPayload): Promise<string> {
  const { kid, key } = await currentSigner();
  return new SignJWT(claims).setProtectedHeader({ alg: SIGNING_ALG, typ: 'JWT', kid }).sign(key);
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);
