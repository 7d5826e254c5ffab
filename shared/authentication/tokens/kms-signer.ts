import { SIGNING_ALG } from '#shared/authentication/tokens/algorithm';
import type { Signer } from '#shared/authentication/tokens/signer';
import { kmsSign, type KmsClient } from '#shared/tenant/signing-keys/kms-keys';

/**
 * Signing tokens with a KMS asymmetric key (AWS): the private key never leaves KMS, and only the
 * roles the key policy names may call kms:Sign (infra/stack.ts). The KMS calls themselves are
 * the tenant's signing-keys area (kms-keys.ts), which also signs each key's certificate with them.
 */
export { KMS_RAW_MAX_BYTES, kmsPublicKey, type KmsClient, type KmsPublicKey } from '#shared/tenant/signing-keys/kms-keys';

export function kmsSigner(client: KmsClient, keyId: string, kid: string): Signer {
  return { kid, alg: SIGNING_ALG, sign: kmsSign(client, keyId) };
}
