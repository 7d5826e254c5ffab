import { KMSClient } from '@aws-sdk/client-kms';
import {
  dropPrivateSigningKeys,
  findCurrentSigningKey,
  listPublicSigningKeys,
  replaceCurrentSigningKey,
} from '#shared/db/signing-keys-repo';
import { SIGNING_ALG } from '#shared/authentication/tokens/algorithm';
import { kmsPublicKey, type KmsClient } from '#shared/authentication/tokens/kms-signer';

/**
 * The AWS seed's signing key step, run with the operator's credentials (kms:GetPublicKey): the
 * KMS key's public half goes into the table, so JWKS and every verifier read it from there and
 * never call KMS. The key becomes current; a key it replaces stays published (its tokens verify
 * until they expire) but loses its private half, and no private key is left in the table.
 * Idempotent: the seed runs after every deploy.
 */
export async function registerKmsSigningKey(client: KmsClient, keyId: string): Promise<void> {
  const { keyId: arn, kid, publicJwk } = await kmsPublicKey(client, keyId);
  const current = await findCurrentSigningKey({ withPrivateKey: false });
  if (current?.kid !== kid) {
    const known = (await listPublicSigningKeys()).some((k) => k.kid === kid);
    // Going back to a key registered earlier would need its record flipped, not a new one.
    if (known) throw new Error(`KMS key ${arn} (kid ${kid}) is registered but not current; rotating back is not supported`);
    const record = { kid, alg: SIGNING_ALG as typeof SIGNING_ALG, publicJwk, kms_key_id: arn, current: true, created_at: new Date().toISOString() };
    await replaceCurrentSigningKey(record, current?.kid);
  }
  await dropPrivateSigningKeys();
}

/** With the default credentials chain (the operator's profile or environment). */
export const registerKmsSigningKeyWithDefaults = (keyId: string) => registerKmsSigningKey(new KMSClient({}), keyId);
