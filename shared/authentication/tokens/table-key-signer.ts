import { createPrivateKey, sign, type JsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';
import { SIGNING_ALG } from '#shared/authentication/tokens/algorithm';
import type { Signer } from '#shared/authentication/tokens/signer';

/**
 * The private key kept in the table (local only; see current-signer.ts). node:crypto's callback
 * form signs on the libuv pool, off the event loop, and skips WebCrypto's wrapping (jose 6 adds
 * ~100 µs per RS256 signature): the signature is the same, PKCS #1 v1.5 being deterministic.
 */
export function tableKeySigner(kid: string, privateJwk: JWK): Signer {
  const key = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' });
  return {
    kid,
    alg: SIGNING_ALG,
    sign: (input) =>
      new Promise((resolve, reject) => {
        sign('sha256', input, key, (error, signature) => (error ? reject(error) : resolve(new Uint8Array(signature))));
      }),
  };
}
