import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { JWK } from 'jose';
import type { SignBytes } from '#shared/tenant/signing-keys/certificate';
import { publicJwkWithKid } from '#shared/tenant/signing-keys/key-makers';

/**
 * KMS asymmetric signing keys (AWS): the private half never leaves KMS. What the token signer
 * (authentication/tokens/kms-signer.ts), the AWS seed and key rotation (kms-key-maker.ts) share:
 * signing and reading the public half. We hand KMS the signing input and it returns a
 * PKCS #1 v1.5 signature over its SHA-256: RS256 for a JWS, sha256WithRSAEncryption for a certificate.
 */
export type KmsClient = Pick<KMSClient, 'send'>;

export const KMS_ALGORITHM = 'RSASSA_PKCS1_V1_5_SHA_256';
const KEY_SPEC = 'RSA_2048';
const KEY_USAGE = 'SIGN_VERIFY';
/** KMS signs a RAW message of at most 4,096 bytes; a longer one is sent as its SHA-256 digest. */
export const KMS_RAW_MAX_BYTES = 4096;

/** A KMS key that cannot sign RS256 (a deployment fault: the operator named the wrong key). */
export class UnsuitableKmsKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * KMS refused a call for lack of permission (AccessDeniedException): the function's role does not
 * hold it, or the key does not carry the stack's tag (docs/signing-keys.md). A deployment fault:
 * the request answers a 500 and this message goes to the log.
 */
export class KmsAccessDeniedError extends Error {
  constructor(action: string, keyId: string | undefined, what: string) {
    super(`KMS refused ${action}${keyId ? ` on ${keyId}` : ''} (AccessDeniedException): ${what}`);
    this.name = new.target.name;
  }
}

export const isAccessDenied = (error: unknown) => (error as { name?: string } | undefined)?.name === 'AccessDeniedException';

export function kmsSign(client: KmsClient, keyId: string): SignBytes {
  return async (input) => {
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
  };
}

export interface KmsPublicKey {
  /** The key's ARN as KMS reports it (what the signer names in Sign). */
  keyId: string;
  kid: string;
  publicJwk: JWK;
}

/** The key's public half as a JWKS entry (kid = RFC 7638 thumbprint, as for table keys). */
export async function kmsPublicKey(client: KmsClient, keyId: string): Promise<KmsPublicKey> {
  const out = await client.send(new GetPublicKeyCommand({ KeyId: keyId }));
  const suitable = out.KeySpec === KEY_SPEC && out.KeyUsage === KEY_USAGE && out.SigningAlgorithms?.includes(KMS_ALGORITHM);
  if (!suitable || !out.PublicKey || !out.KeyId) {
    throw new UnsuitableKmsKeyError(
      `KMS key ${out.KeyId ?? keyId} is ${out.KeySpec}/${out.KeyUsage}; the signing key must be ${KEY_SPEC}/${KEY_USAGE}`,
    );
  }
  const jwk = createPublicKey({ key: Buffer.from(out.PublicKey), format: 'der', type: 'spki' }).export({ format: 'jwk' });
  return { keyId: out.KeyId, ...(await publicJwkWithKid(jwk as JWK)) };
}
