import { findSigningKey, listPublicSigningKeys, type PublicSigningKeyRecord } from '#shared/db/signing-keys-repo';
import { log } from '#shared/platform/log';
import { SigningKeyNotFoundError } from '#shared/tenant/errors';
import { inListOrder } from '#shared/tenant/signing-keys/model';
import { toWireSigningKey, type WireSigningKey } from '#shared/tenant/signing-keys/wire';

/**
 * Listing and reading signing keys: the list and get functions' whole domain. Nothing here makes,
 * certifies or retires a key, so neither the key makers (the KMS client) nor the X.509 library
 * (certificate.ts) is in those bundles: the certificate's `pkcs7` is read from the record, where
 * it was stored with the certificate.
 */

/**
 * A record certified before `pkcs7` was stored (the seed stores it on its next run). Locally
 * it is made here, through a dynamic import that esbuild drops from the Lambda bundles (the
 * constant is set at bundle time); in Lambda, until the seed has run, such a key is answered
 * without `pkcs7` and the log says so.
 */
async function withPkcs7(key: PublicSigningKeyRecord): Promise<PublicSigningKeyRecord> {
  if (!key.cert || key.pkcs7) return key;
  if (process.env.BUNDLED_FOR_LAMBDA !== 'true') {
    const { pkcs7Of } = await import('#shared/tenant/signing-keys/certificate');
    return { ...key, pkcs7: pkcs7Of(key.cert) };
  }
  log.warn('signing key without a stored pkcs7: run the seed, which stores it', { kid: key.kid });
  return key;
}

export async function listSigningKeys(): Promise<WireSigningKey[]> {
  const keys = await Promise.all(inListOrder(await listPublicSigningKeys()).map(withPkcs7));
  return keys.map(toWireSigningKey);
}

export async function getSigningKey(kid: string): Promise<WireSigningKey> {
  const key = await findSigningKey(kid);
  if (!key) throw new SigningKeyNotFoundError();
  return toWireSigningKey(await withPkcs7(key));
}
