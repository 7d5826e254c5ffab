import { X509Certificate } from 'node:crypto';
import { SignCommand } from '@aws-sdk/client-kms';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { JWK } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { db, tableName } from '#shared/db/client';
import { SIGNING_KEYS_PK } from '#shared/db/keys';
import { findCurrentSigningKey } from '#shared/db/signing-keys-repo';
import { signerFor } from '#shared/authentication/tokens/current-signer';
import { registerKmsSigningKey } from '#shared/authentication/tokens/kms-signing-key';
import { signJwtWith } from '#shared/authentication/tokens/sign';
import { call } from '#test/support/api';
import { KmsError, KmsStandIn } from '#test/support/kms-stand-in';
import { managementClaims, managementToken } from '#test/support/tokens';

/**
 * The AWS seed's step: registering the KMS key's public half (GetPublicKey, against a stand-in
 * for AWS KMS) on a tenant that so far signed with a table key. After it the table holds no
 * private key, JWKS lists both signing keys (the table's next key, which never signed, is
 * revoked), the KMS key's certificate is signed through KMS, and tokens of either key verify
 * from the table alone.
 */
const SCOPES = ['read:users'];

async function signingKeyItems(): Promise<Record<string, unknown>[]> {
  const out = await db.send(
    new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': SIGNING_KEYS_PK }, ConsistentRead: true }),
  );
  return out.Items ?? [];
}

describe('registerKmsSigningKey', () => {
  const kms = new KmsStandIn();
  const key = kms.createKey();

  it('makes the KMS key current, keeps the table key public for its tokens, and leaves no private key in the table', async () => {
    const tableKey = await findCurrentSigningKey({ withPrivateKey: true });
    expect(tableKey?.privateJwk).toBeDefined();
    const tableNextKid = tableKey!.next_kid;
    expect(tableNextKid).toEqual(expect.any(String));
    const oldToken = await managementToken({ scopes: SCOPES });

    await registerKmsSigningKey(kms as never, key.arn);

    const items = await signingKeyItems();
    expect(items.filter((i) => 'privateJwk' in i)).toEqual([]);
    const current = items.filter((i) => i.current === true);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({ kms_key_id: key.arn, alg: 'RS256' });
    expect(items.find((i) => i.kid === tableKey!.kid)).toMatchObject({ current: false, publicJwk: tableKey!.publicJwk });
    expect(items.find((i) => i.kid === tableNextKid)).toMatchObject({ next: false, revoked: true, revoked_at: expect.any(String) });

    const jwks = await call<{ keys: JWK[] }>('jwks');
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys.map((k) => k.kid).sort()).toEqual([tableKey!.kid, current[0]!.kid].sort());
    const kmsJwk = jwks.body.keys.find((k) => k.kid === current[0]!.kid);
    expect(Object.keys(kmsJwk!).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use', 'x5c', 'x5t']);
    // The certificate was signed through KMS (one Sign request, the private half never left it):
    // its public key is the KMS key's, and its signature verifies with that key.
    expect(kms.signRequests).toHaveLength(1);
    const cert = new X509Certificate(Buffer.from(kmsJwk!.x5c![0]!, 'base64'));
    expect(cert.publicKey.export({ format: 'jwk' })).toEqual({ kty: 'RSA', n: kmsJwk!.n, e: kmsJwk!.e });
    expect(cert.verify(key.publicKey)).toBe(true);
    expect(cert.subject).toBe('CN=tenant.example.test');

    // A token signed through KMS, and one the table key signed before, both pass the Management API.
    const record = await findCurrentSigningKey({ withPrivateKey: false });
    const newToken = await signJwtWith(signerFor(record!, 'kms', () => kms as never), managementClaims({ scopes: SCOPES }));
    expect(kms.signRequests).toHaveLength(2);
    for (const token of [newToken, oldToken]) {
      const res = await call('users-list', { token });
      expect(res.status, res.text).toBe(200);
    }
  });

  it('changes nothing when run again (the seed is re-run on every deploy)', async () => {
    const before = await signingKeyItems();
    await registerKmsSigningKey(kms as never, key.arn);
    expect(await signingKeyItems()).toEqual(before);
  });

  it('refuses a key that cannot sign RS256 and writes nothing', async () => {
    const before = await signingKeyItems();
    const ecc = kms.createKey({ keySpec: 'ECC_NIST_P256' });
    await expect(registerKmsSigningKey(kms as never, ecc.arn)).rejects.toThrow(/must be RSA_2048\/SIGN_VERIFY/);
    expect(await signingKeyItems()).toEqual(before);
  });

  it('rotates to another KMS key: the new one is current, the previous stays published', async () => {
    const next = kms.createKey();
    const previous = await findCurrentSigningKey({ withPrivateKey: false });
    await registerKmsSigningKey(kms as never, next.arn);
    const items = await signingKeyItems();
    expect(items.filter((i) => i.current === true).map((i) => i.kms_key_id)).toEqual([next.arn]);
    expect(items.find((i) => i.kid === previous!.kid)).toMatchObject({ current: false, kms_key_id: key.arn });
    // The seeded table key and its revoked next key, then the two KMS keys.
    expect(items).toHaveLength(4);
  });

  it('registers a key without a certificate when these credentials may not kms:Sign (the stack lets only the token functions sign)', async () => {
    const denying = new KmsStandIn();
    const third = denying.createKey();
    const send = denying.send.bind(denying);
    denying.send = async (command: unknown) => {
      if (command instanceof SignCommand) throw new KmsError('AccessDeniedException', 'not authorized to perform: kms:Sign');
      return send(command);
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await registerKmsSigningKey(denying as never, third.arn);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`The KMS key ${third.arn} is registered without a certificate`));
    } finally {
      warn.mockRestore();
    }
    const current = (await signingKeyItems()).find((i) => i.current === true);
    expect(current).toMatchObject({ kms_key_id: third.arn });
    expect(current).not.toHaveProperty('cert');
    const jwks = await call<{ keys: JWK[] }>('jwks');
    expect(Object.keys(jwks.body.keys.find((k) => k.kid === current!.kid)!).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });
});
