import { createLocalJWKSet, exportJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { kmsPublicKey, kmsSigner } from '#shared/authentication/tokens/kms-signer';
import { signJwtWith } from '#shared/authentication/tokens/sign';
import { tableKeySigner } from '#shared/authentication/tokens/table-key-signer';
import { KMS_ALGORITHM, KmsStandIn, sha256, type StandInKey } from '#test/support/kms-stand-in';

/**
 * The KMS signer against a stand-in for AWS KMS (node:crypto behind the KMS client's `send`; it
 * stands in for AWS, not for our storage): tokens it signs verify with jose against the JWKS
 * entry the seed builds from GetPublicKey, byte for byte as the table key signs them today.
 */
const claims = { iss: 'https://tenant.example.test/', sub: 'auth0|0123456789abcdef01234567', aud: 'app', iat: 1_700_000_000, exp: 4_000_000_000 };
const decode = (part: string) => Buffer.from(part, 'base64url').toString('utf8');

let kms: KmsStandIn;
let key: StandInKey;

beforeEach(() => {
  kms = new KmsStandIn();
  key = kms.createKey();
});

describe('kmsPublicKey (what the seed registers)', () => {
  it("is the key's public JWK, kid = its RFC 7638 thumbprint, with no private member", async () => {
    const registered = await kmsPublicKey(kms as never, key.arn);
    const expected = await exportJWK(key.publicKey);
    expect(registered.keyId).toBe(key.arn);
    expect(registered.publicJwk).toEqual({ kty: 'RSA', n: expected.n, e: 'AQAB', kid: registered.kid, alg: 'RS256', use: 'sig' });
    // The thumbprint of {e, kty, n} (RFC 7638), as the table keys' kids are computed.
    const canonical = JSON.stringify({ e: expected.e, kty: 'RSA', n: expected.n });
    expect(registered.kid).toBe(sha256(Buffer.from(canonical)).toString('base64url'));
  });

  it('refuses a key that cannot sign RS256 (another spec or usage), naming what it found', async () => {
    const ecc = kms.createKey({ keySpec: 'ECC_NIST_P256' });
    await expect(kmsPublicKey(kms as never, ecc.arn)).rejects.toThrow(
      `KMS key ${ecc.arn} is ECC_NIST_P256/SIGN_VERIFY; the signing key must be RSA_2048/SIGN_VERIFY`,
    );
    const encrypting = kms.createKey({ keyUsage: 'ENCRYPT_DECRYPT' });
    await expect(kmsPublicKey(kms as never, encrypting.arn)).rejects.toThrow(/is RSA_2048\/ENCRYPT_DECRYPT; the signing key must be RSA_2048\/SIGN_VERIFY/);
  });
});

describe('kmsSigner', () => {
  it('signs a JWT that jose verifies against the JWKS, header {alg, typ, kid} in that order', async () => {
    const { kid, publicJwk } = await kmsPublicKey(kms as never, key.arn);
    const token = await signJwtWith(kmsSigner(kms as never, key.arn, kid), claims);
    const [header, payload] = token.split('.');
    expect(decode(header!)).toBe(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
    expect(decode(payload!)).toBe(JSON.stringify(claims));
    const jwks = createLocalJWKSet({ keys: [publicJwk] });
    const verified = await jwtVerify(token, jwks, { algorithms: ['RS256'], issuer: claims.iss, audience: 'app' });
    expect(verified.payload).toEqual(claims);
    expect(verified.protectedHeader).toEqual({ alg: 'RS256', typ: 'JWT', kid });
  });

  it('sends KMS the JWS signing input itself: RAW, RSASSA_PKCS1_V1_5_SHA_256, the key named', async () => {
    const { kid } = await kmsPublicKey(kms as never, key.arn);
    const token = await signJwtWith(kmsSigner(kms as never, key.arn, kid), claims);
    expect(kms.signRequests).toHaveLength(1);
    const [request] = kms.signRequests;
    expect(request).toEqual({ KeyId: key.arn, Message: expect.any(Uint8Array), MessageType: 'RAW', SigningAlgorithm: KMS_ALGORITHM });
    expect(Buffer.from(request!.Message!).toString('utf8')).toBe(token.split('.').slice(0, 2).join('.'));
  });

  it('produces the very bytes the table key and jose produce for the same key (RS256 is deterministic)', async () => {
    const { kid } = await kmsPublicKey(kms as never, key.arn);
    const privateJwk = await exportJWK(key.privateKey);
    const viaKms = await signJwtWith(kmsSigner(kms as never, key.arn, kid), claims);
    const viaTable = await signJwtWith(tableKeySigner(kid, privateJwk), claims);
    const viaJose = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(key.privateKey);
    expect(viaKms).toBe(viaJose);
    expect(viaTable).toBe(viaJose);
  });

  it('sends a SHA-256 digest (DIGEST) when the signing input exceeds the 4,096 bytes KMS takes RAW', async () => {
    const { kid, publicJwk } = await kmsPublicKey(kms as never, key.arn);
    const big = { ...claims, 'https://example.com/profile': 'x'.repeat(5_000) };
    const token = await signJwtWith(kmsSigner(kms as never, key.arn, kid), big);
    const [request] = kms.signRequests;
    const signingInput = Buffer.from(token.split('.').slice(0, 2).join('.'));
    expect(request).toMatchObject({ MessageType: 'DIGEST', SigningAlgorithm: KMS_ALGORITHM });
    expect(Buffer.from(request!.Message!)).toEqual(sha256(signingInput));
    const verified = await jwtVerify(token, createLocalJWKSet({ keys: [publicJwk as JWK] }), { algorithms: ['RS256'] });
    expect(verified.payload).toEqual(big);
  });

  it('lets a KMS failure through, so the request fails rather than issuing an unsigned token', async () => {
    const signer = kmsSigner(kms as never, 'arn:aws:kms:eu-west-1:111122223333:key/gone', 'kid');
    await expect(signJwtWith(signer, claims)).rejects.toThrow(/does not exist/);
  });
});
