import { KMSClient } from '@aws-sdk/client-kms';
import { config } from '#shared/platform/config';
import { TENANT_CACHE_TTL_MS, tenantCache } from '#shared/platform/cache';
import { findCurrentSigningKey, type SigningKeyRecord } from '#shared/db/signing-keys-repo';
import { kmsSigner, type KmsClient } from '#shared/authentication/tokens/kms-signer';
import { SigningKeyUnavailableError, type Signer } from '#shared/authentication/tokens/signer';
import { tableKeySigner } from '#shared/authentication/tokens/table-key-signer';

/**
 * The signer for this process. With SIGNING_KEY_KMS_ID (set by CDK on the token-issuing functions
 * only) the current key signs through KMS and only its public fields are read from the table.
 * Without it the private key is read from the table (local), which a Lambda refuses to do: in
 * AWS every function's table grant could read an item, so a private key there, or a function
 * that signs without being meant to, is a deployment fault that must fail loudly rather than work.
 * The signer is kept for TENANT_CACHE_TTL_MS: after a rotation made elsewhere a warm function signs
 * with the new current key within that time (until then with the key just made previous, whose
 * tokens still verify); a rotation in this process clears it at once (tenantChanged()).
 */
const MAX_AGE_MS = TENANT_CACHE_TTL_MS;

export type SignerSource = 'kms' | 'table';

export function signerSource(env: { kmsKeyId: string | undefined; inLambda: boolean }): SignerSource {
  if (env.kmsKeyId) return 'kms';
  if (env.inLambda) {
    throw new SigningKeyUnavailableError(
      'This function may not sign tokens: in AWS only the token-issuing functions sign, with the KMS key in SIGNING_KEY_KMS_ID (set by CDK); a private key is never read from the table in Lambda',
    );
  }
  return 'table';
}

/** The signer for the current key: by KMS (the record names the key) or by its private half. */
export function signerFor(record: SigningKeyRecord, source: SignerSource, kms: () => KmsClient): Signer {
  if (source === 'kms') {
    if (!record.kms_key_id) {
      throw new SigningKeyUnavailableError(
        `The current signing key ${record.kid} is not a KMS key; register the KMS key with: SIGNING_KEY_KMS_ID=<SigningKeyId output> npm run seed`,
      );
    }
    return kmsSigner(kms(), record.kms_key_id, record.kid);
  }
  if (!record.privateJwk) {
    throw new SigningKeyUnavailableError(
      `The current signing key ${record.kid} is held in KMS (${record.kms_key_id ?? 'no key id'}); set SIGNING_KEY_KMS_ID to sign with it`,
    );
  }
  return tableKeySigner(record.kid, record.privateJwk);
}

/** Lambda sets AWS_LAMBDA_FUNCTION_NAME; our bundles also define BUNDLED_FOR_LAMBDA. */
const inLambda = () => process.env.BUNDLED_FOR_LAMBDA === 'true' || Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME);

let kmsClient: KMSClient | undefined;
const kms = () => (kmsClient ??= new KMSClient({}));

let signer: { at: number; value: Promise<Signer> } | undefined;

tenantCache({ clear: () => (signer = undefined) });

/** The current key's signer, reloaded every MAX_AGE_MS. */
export function currentSigner(): Promise<Signer> {
  if (!signer || Date.now() - signer.at >= MAX_AGE_MS) {
    const value = (async () => {
      const source = signerSource({ kmsKeyId: config.SIGNING_KEY_KMS_ID, inLambda: inLambda() });
      const record = await findCurrentSigningKey({ withPrivateKey: source === 'table' });
      if (!record) throw new SigningKeyUnavailableError('No current signing key: run the seed (npm start does it on first start)');
      return signerFor(record, source, kms);
    })();
    const entry = { at: Date.now(), value };
    signer = entry;
    // Forget a failed load, but not a newer entry made after a clear().
    value.catch(() => {
      if (signer === entry) signer = undefined;
    });
  }
  return signer.value;
}
