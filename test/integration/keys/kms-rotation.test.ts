import { X509Certificate } from 'node:crypto';
import type { JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { findCurrentSigningKey, findSigningKey } from '#shared/db/signing-keys-repo';
import { signerFor } from '#shared/authentication/tokens/current-signer';
import { registerKmsSigningKey } from '#shared/authentication/tokens/kms-signing-key';
import { signJwtWith } from '#shared/authentication/tokens/sign';
import { kmsKeyMaker, SIGNING_KEY_TAG } from '#shared/tenant/signing-keys/kms-key-maker';
import { revokeSigningKey, rotateSigningKey } from '#shared/tenant/signing-keys/lifecycle';
import { call } from '#test/support/api';
import { KmsStandIn } from '#test/support/kms-stand-in';
import { managementClaims } from '#test/support/tokens';

/**
 * The lifecycle with KMS keys (kmsKeyMaker), against a stand-in for AWS KMS: rotation makes keys
 * with CreateKey (tagged for the stack), certifies each through kms:Sign, and revocation
 * schedules the KMS key's deletion. The same through the routes, configured as the stack
 * configures its functions: kms-rotation-aws.test.ts.
 */
const kms = new KmsStandIn();
const maker = kmsKeyMaker(kms as never, { stack: 'IdentityService' });

async function kmsToken(): Promise<string> {
  const record = await findCurrentSigningKey({ withPrivateKey: false });
  return signJwtWith(signerFor(record!, 'kms', () => kms as never), managementClaims({ scopes: ['read:users'] }));
}

describe('rotation and revocation of KMS keys', () => {
  it('rotates to a new KMS key certified through kms:Sign, and schedules the deletion of a revoked one', async () => {
    const seeded = await findCurrentSigningKey({ withPrivateKey: false }); // the local seed's table key
    const first = kms.createKey();
    await registerKmsSigningKey(kms as never, first.arn); // the AWS seed: current, no next key
    const registered = await findCurrentSigningKey({ withPrivateKey: false });
    expect(registered).toMatchObject({ kms_key_id: first.arn, cert: expect.any(String) });
    expect(registered!.next_kid).toBeUndefined();
    const oldToken = await kmsToken();

    const rotated = await rotateSigningKey(maker);
    // No next key yet: rotation made one, promoted it, and made the next one after it.
    expect(kms.createRequests).toHaveLength(2);
    for (const input of kms.createRequests) {
      expect(input).toMatchObject({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY', Tags: [{ TagKey: SIGNING_KEY_TAG, TagValue: 'IdentityService' }] });
    }
    const current = await findCurrentSigningKey({ withPrivateKey: false });
    expect(rotated).toMatchObject({ kid: current!.kid, current: true });
    expect(current!.kms_key_id).not.toBe(first.arn);
    const next = await findSigningKey(current!.next_kid!);
    for (const key of [current!, next!]) {
      expect(key).not.toHaveProperty('privateJwk');
      const cert = new X509Certificate(key.cert!);
      expect(cert.verify(kms.keys.get(key.kms_key_id!)!.publicKey)).toBe(true);
    }

    const newToken = await kmsToken();
    for (const token of [oldToken, newToken]) expect((await call('users-list', { token })).status).toBe(200);

    // The registered key is the stack's own (not tagged, retained by the stack): revoked, not deleted.
    const revoked = await revokeSigningKey(registered!.kid, maker);
    expect(revoked).toMatchObject({ kid: registered!.kid, revoked: true });
    expect(kms.deletions.size).toBe(0);
    expect((await call('users-list', { token: oldToken })).status).toBe(401);
    expect((await call('users-list', { token: newToken })).status).toBe(200);
    const jwks = await call<{ keys: JWK[] }>('jwks');
    // Current, next, and the seed's table key (previous since the KMS key was registered).
    expect(jwks.body.keys.map((k) => k.kid)).toEqual([current!.kid, next!.kid, seeded!.kid]);

    // A key rotation made carries the stack's tag: revoking it schedules its deletion.
    expect(current).toMatchObject({ kms_key_stack: 'IdentityService' });
    await rotateSigningKey(maker);
    await revokeSigningKey(current!.kid, maker);
    expect([...kms.deletions]).toEqual([[current!.kms_key_id, 7]]);
    expect((await call('users-list', { token: newToken })).status).toBe(401);
  });
});
