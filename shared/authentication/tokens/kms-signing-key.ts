import { KMSClient } from '@aws-sdk/client-kms';
import {
  dropPrivateSigningKeys,
  findCurrentSigningKey,
  findSigningKey,
  listPublicSigningKeys,
  replaceCurrentSigningKey,
} from '#shared/db/signing-keys-repo';
import { SIGNING_ALG } from '#shared/authentication/tokens/algorithm';
import { kmsPublicKey, type KmsClient } from '#shared/authentication/tokens/kms-signer';
import { kmsSign } from '#shared/tenant/signing-keys/kms-keys';
import { certifyKey, storePkcs7 } from '#shared/tenant/signing-keys/lifecycle';

/**
 * The AWS seed's signing key step, run with the operator's credentials (kms:GetPublicKey): the
 * KMS key's public half goes into the table, so JWKS and every verifier read it from there and
 * never call KMS. The key becomes current (unless it was registered before and the tenant has
 * rotated since: then nothing changes); a key it replaces stays published (its tokens verify
 * until they expire) but loses its private half, that key's next key (a table key, never used)
 * is revoked, and no private key is left in the table. Then the key's certificate is signed
 * through KMS, if these credentials may kms:Sign (the stack's key policy lets only the token
 * functions sign, so usually they may not: the key is then published without x5c, a gap
 * docs/signing-keys.md names). Keys certified before `pkcs7` was stored get it. Idempotent: the seed runs after every deploy.
 */
export async function registerKmsSigningKey(client: KmsClient, keyId: string): Promise<void> {
  const { keyId: arn, kid, publicJwk } = await kmsPublicKey(client, keyId);
  const current = await findCurrentSigningKey({ withPrivateKey: false });
  if (current?.kid !== kid) {
    const known = (await listPublicSigningKeys()).some((k) => k.kid === kid);
    if (known) {
      // Registered earlier and rotated away from (through the API, or by a newer stack key): the
      // tenant's current key stays. The seed runs after every deploy, so this is the usual case
      // once a tenant has rotated; going back to an older key is not what it does.
      await dropPrivateSigningKeys();
      await storePkcs7();
      console.log(`KMS key ${arn} is registered and no longer current (rotated since); the current key ${current?.kid ?? '(none)'} stays`);
      return;
    }
    const now = new Date().toISOString();
    const record = { kid, alg: SIGNING_ALG as typeof SIGNING_ALG, publicJwk, kms_key_id: arn, current: true, current_since: now, created_at: now };
    await replaceCurrentSigningKey(record, current?.kid, current?.next_kid);
  }
  await dropPrivateSigningKeys();
  if (!(await findSigningKey(kid))?.cert) {
    try {
      await certifyKey(kid, publicJwk, kmsSign(client, arn));
    } catch (error) {
      if ((error as Error).name !== 'AccessDeniedException') throw error;
      console.warn(`The KMS key ${arn} is registered without a certificate: these credentials may not kms:Sign (docs/signing-keys.md)`);
    }
  }
  await storePkcs7(); // keys certified before pkcs7 was stored with the certificate
}

/** With the default credentials chain (the operator's profile or environment). */
export const registerKmsSigningKeyWithDefaults = (keyId: string) => registerKmsSigningKey(new KMSClient({}), keyId);
