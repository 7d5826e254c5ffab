import { exportJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import type { SigningKeyRecord } from '#shared/db/signing-keys-repo';
import { signerFor, signerSource } from '#shared/authentication/tokens/current-signer';
import { kmsPublicKey } from '#shared/authentication/tokens/kms-signer';
import { signJwtWith } from '#shared/authentication/tokens/sign';
import { SigningKeyUnavailableError } from '#shared/authentication/tokens/signer';
import { KmsStandIn } from '#test/support/kms-stand-in';

/**
 * Which key signs where: KMS when SIGNING_KEY_KMS_ID is set (the token functions in AWS), the
 * table's private key otherwise, and never the table's private key inside Lambda.
 */
const ARN = 'arn:aws:kms:eu-west-1:111122223333:key/00000001-1111-2222-3333-444455556666';
const noKms = () => {
  throw new Error('the KMS client must not be created here');
};

async function records() {
  const kms = new KmsStandIn();
  const key = kms.createKey();
  const { kid, publicJwk } = await kmsPublicKey(kms as never, key.arn);
  const base = { kid, alg: 'RS256' as const, publicJwk, current: true, created_at: '2026-01-01T00:00:00.000Z' };
  const tableRecord: SigningKeyRecord = { ...base, privateJwk: await exportJWK(key.privateKey) };
  const kmsRecord: SigningKeyRecord = { ...base, kms_key_id: key.arn };
  return { kms, key, tableRecord, kmsRecord };
}

describe('signerSource', () => {
  it('signs with KMS whenever SIGNING_KEY_KMS_ID is set, in Lambda or not', () => {
    expect(signerSource({ kmsKeyId: ARN, inLambda: true })).toBe('kms');
    expect(signerSource({ kmsKeyId: ARN, inLambda: false })).toBe('kms');
  });

  it('uses the table key locally', () => {
    expect(signerSource({ kmsKeyId: undefined, inLambda: false })).toBe('table');
  });

  it('refuses, before reading anything, to sign in Lambda without the KMS key', () => {
    const attempt = () => signerSource({ kmsKeyId: undefined, inLambda: true });
    expect(attempt).toThrow(SigningKeyUnavailableError);
    expect(attempt).toThrow(
      'This function may not sign tokens: in AWS only the token-issuing functions sign, with the KMS key in SIGNING_KEY_KMS_ID (set by CDK); a private key is never read from the table in Lambda',
    );
  });
});

describe('signerFor', () => {
  it("signs with the KMS key the current record names, under the record's kid", async () => {
    const { kms, key, kmsRecord } = await records();
    const token = await signJwtWith(signerFor(kmsRecord, 'kms', () => kms as never), { sub: 'x' });
    expect(kms.signRequests.map((r) => r.KeyId)).toEqual([key.arn]);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT', kid: kmsRecord.kid });
  });

  it('signs with the private half locally, without creating a KMS client', async () => {
    const { tableRecord, kmsRecord } = await records();
    const viaTable = await signJwtWith(signerFor(tableRecord, 'table', noKms), { sub: 'x' });
    expect(viaTable.split('.')).toHaveLength(3);
    expect(kmsRecord.kid).toBe(tableRecord.kid);
  });

  it('refuses a table key when KMS is configured (the seed has not registered the KMS key yet)', async () => {
    const { tableRecord } = await records();
    expect(() => signerFor(tableRecord, 'kms', noKms)).toThrow(
      `The current signing key ${tableRecord.kid} is not a KMS key; register the KMS key with: SIGNING_KEY_KMS_ID=<SigningKeyId output> npm run seed`,
    );
  });

  it('refuses a KMS key when KMS is not configured, naming the variable to set', async () => {
    const { kmsRecord, key } = await records();
    expect(() => signerFor(kmsRecord, 'table', noKms)).toThrow(
      `The current signing key ${kmsRecord.kid} is held in KMS (${key.arn}); set SIGNING_KEY_KMS_ID to sign with it`,
    );
  });
});
