import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { SIGNING_ALG } from '#shared/authentication/tokens/algorithm';
import { SigningKeyUnavailableError, type Signer } from '#shared/authentication/tokens/signer';

/**
 * Signing with a KMS asymmetric key (AWS): the private key never leaves KMS, and only the roles
 * the key policy names may call kms:Sign (infra/stack.ts). We build the JWS signing input
 * ourselves and KMS returns a PKCS #1 v1.5 signature over its SHA-256, which is RS256.
 */
export type KmsClient = Pick<KMSClient, 'send'>;

const KMS_ALGORITHM = 'RSASSA_PKCS1_V1_5_SHA_256';
const KEY_SPEC = 'RSA_2048';
const KEY_USAGE = 'SIGN_VERIFY';
/** KMS signs a RAW message of at most 4,096 bytes; a longer one is sent as its SHA-256 digest. */
export const KMS_RAW_MAX_BYTES = 4096;

export function kmsSigner(client: KmsClient, keyId: string, kid: string): Signer {
  return {
    kid,
    alg: SIGNING_ALG,
    async sign(input) {
      // An ID token with large custom claims can pass 4 KB. DIGEST signs the same bytes: KMS only
      // skips the hashing step it would have done, so the signature is identical.
      const raw = input.byteLength <= KMS_RAW_MAX_BYTES;
      const out = await client.send(
        new SignCommand({
          KeyId: keyId,
          Message: raw ? input : createHash('sha256').update(input).digest(),
          MessageType: raw ? 'RAW' : 'DIGEST',
          SigningAlgorithm: KMS_ALGORITHM,
        }),
      );
      if (!out.Signature) throw new Error(`KMS returned no signature for key ${keyId}`);
      return out.Signature;
    },
  };
}

export interface KmsPublicKey {
  /** The key's ARN as KMS reports it (what the signer names in Sign). */
  keyId: string;
  kid: string;
  publicJwk: JWK;
}

/**
 * The key's public half as a JWKS entry (kid = RFC 7638 thumbprint, as for table keys). Read
 * once, by the seed, with the operator's credentials: functions never call GetPublicKey.
 */
export async function kmsPublicKey(client: KmsClient, keyId: string): Promise<KmsPublicKey> {
  const out = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
  const suitable = out.KeySpec === KEY_SPEC && out.KeyUsage === KEY_USAGE && out.SigningAlgorithms?.includes(KMS_ALGORITHM);
  if (!suitable || !out.PublicKey || !out.KeyId) {
    throw new SigningKeyUnavailableError(
      `KMS key ${out.KeyId ?? keyId} is ${out.KeySpec}/${out.KeyUsage}; the signing key must be ${KEY_SPEC}/${KEY_USAGE}`,
    );
  }
  const { kty, n, e } = createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' }).export({ format: 'jwk' });
  const kid = await calculateJwkThumbprint({ kty, n, e });
  return { keyId: out.KeyId, kid, publicJwk: { kty, n, e, kid, alg: SIGNING_ALG, use: 'sig' } };
}
