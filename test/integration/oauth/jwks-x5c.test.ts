import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { createLocalJWKSet, exportJWK, jwtVerify, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/db/client';
import { SIGNING_KEYS_PK } from '#shared/db/keys';
import { findCurrentSigningKey, putSigningKey } from '#shared/db/signing-keys-repo';
import { ensureSigningKeys } from '#shared/tenant/signing-keys/lifecycle';
import { publicJwkWithKid } from '#shared/tenant/signing-keys/key-makers';
import { call } from '#test/support/api';
import { managementToken } from '#test/support/tokens';

/**
 * JWKS's certificate members: `x5c` holds the key's certificate (base64 DER, RFC 7517 4.7, not
 * base64url) whose public key is the JWK's, `x5t` the base64url SHA-1 of that DER (4.8).
 */
const jwks = async () => (await call<{ keys: JWK[] }>('jwks')).body.keys;

function certificateOf(jwk: JWK): X509Certificate {
  expect(jwk.x5c).toHaveLength(1);
  expect(jwk.x5c![0]).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
  return new X509Certificate(Buffer.from(jwk.x5c![0]!, 'base64'));
}

describe('JWKS x5c and x5t', () => {
  it("carry each key's certificate: its public key is the JWK, x5t is the SHA-1 of its DER", async () => {
    const keys = await jwks();
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const jwk of keys) {
      const cert = certificateOf(jwk);
      expect(cert.publicKey.export({ format: 'jwk' })).toEqual({ kty: 'RSA', n: jwk.n, e: jwk.e });
      expect(jwk.x5t).toBe(createHash('sha1').update(cert.raw).digest('base64url'));
      expect(cert.verify(cert.publicKey)).toBe(true);
      expect(cert.subject).toBe('CN=tenant.example.test');
      expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 9 * 365 * 86_400_000);
    }
  });

  it('lets any JWT library verify our tokens through the JWKS alone', async () => {
    const token = await managementToken({ scopes: ['read:users'] });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet({ keys: await jwks() }), {
      issuer: 'https://tenant.example.test/',
      algorithms: ['RS256'],
    });
    expect(payload.scope).toBe('read:users');
    expect(protectedHeader.kid).toBe((await findCurrentSigningKey({ withPrivateKey: false }))!.kid);
  });

  it('gives a key made before certificates existed one, once, certified by the current key (the seed, re-run)', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { kid, publicJwk } = await publicJwkWithKid(await exportJWK(publicKey));
    await putSigningKey({ kid, alg: 'RS256', publicJwk, current: false, created_at: '2025-01-01T00:00:00.000Z' });

    await ensureSigningKeys();
    const legacy = (await jwks()).find((k) => k.kid === kid)!;
    const cert = certificateOf(legacy);
    expect(cert.publicKey.export({ format: 'jwk' })).toEqual({ kty: 'RSA', n: publicJwk.n, e: publicJwk.e });
    const current = await findCurrentSigningKey({ withPrivateKey: false });
    const currentCert = certificateOf((await jwks()).find((k) => k.kid === current!.kid)!);
    expect(cert.verify(currentCert.publicKey)).toBe(true);

    // Run again: nothing changes (same certificates, still one current and one next key).
    const before = await db.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': SIGNING_KEYS_PK }, ConsistentRead: true }));
    await ensureSigningKeys();
    const after = await db.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': SIGNING_KEYS_PK }, ConsistentRead: true }));
    expect(after.Items).toEqual(before.Items);
    expect(after.Items!.filter((i) => i.current === true)).toHaveLength(1);
    expect(after.Items!.filter((i) => i.next === true)).toHaveLength(1);
  });
});
