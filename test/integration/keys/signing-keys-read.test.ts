import { createHash, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { call } from '#test/support/api';
import { currentSigner } from '#shared/authentication/tokens/current-signer';
import { db, tableName } from '#shared/db/client';
import { signingKeyKey } from '#shared/db/keys';
import { listPublicSigningKeys } from '#shared/db/signing-keys-repo';
import { pkcs7Of } from '#shared/tenant/signing-keys/certificate';
import { ensureSigningKeys } from '#shared/tenant/signing-keys/lifecycle';

/** GET /api/v2/keys/signing and /keys/signing/{kid}: Auth0's fields, scopes, and hostile kids. */
const READ = ['read:signing_keys'];
const PEM_CERT = /^-----BEGIN CERTIFICATE-----\r\n([A-Za-z0-9+/=]{1,64}\r\n)+-----END CERTIFICATE-----$/;
const PEM_PKCS7 = /^-----BEGIN PKCS7-----\r\n([A-Za-z0-9+/=]{1,64}\r\n)+-----END PKCS7-----$/;

const derOf = (pem: string) => Buffer.from(pem.replace(/-----[A-Z0-9 ]+-----/g, '').replace(/\s+/g, ''), 'base64');

describe('GET /api/v2/keys/signing', () => {
  it('answers a bare array: the current key, then the next one, with Auth0 fields and member order', async () => {
    const res = await call('signing-keys-list', { scopes: READ });
    expect(res.status, res.text).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body).toHaveLength(2);
    const [current, next] = res.body;
    expect(current.kid).toBe((await currentSigner()).kid);
    expect(Object.keys(current)).toEqual(['kid', 'cert', 'pkcs7', 'current', 'next', 'previous', 'current_since', 'fingerprint', 'thumbprint', 'revoked']);
    expect(current).toMatchObject({ current: true, next: false, previous: false, revoked: false, current_since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(Object.keys(next)).toEqual(['kid', 'cert', 'pkcs7', 'current', 'next', 'previous', 'fingerprint', 'thumbprint', 'revoked']);
    expect(next).toMatchObject({ current: false, next: true, previous: false, revoked: false });
    for (const key of res.body) {
      expect(key.cert).toMatch(PEM_CERT);
      expect(key.pkcs7).toMatch(PEM_PKCS7);
      const der = derOf(key.cert);
      const sha1 = createHash('sha1').update(der).digest('hex').toUpperCase();
      expect(key.thumbprint).toBe(sha1);
      expect(key.fingerprint).toBe(sha1.match(/../g)!.join(':'));
      // The PKCS #7 holds the very same certificate (its DER appears inside the SignedData).
      expect(derOf(key.pkcs7).includes(der)).toBe(true);
      const cert = new X509Certificate(der);
      expect(cert.subject).toBe('CN=tenant.example.test');
      expect(cert.issuer).toBe('CN=tenant.example.test');
      expect(cert.verify(cert.publicKey)).toBe(true); // self-signed
    }
    expect(res.text).not.toMatch(/privateJwk|"d":|kms_key_id|next_kid/);
  });

  it('answers 403 without read:signing_keys, and 401 without a token', async () => {
    const forbidden = await call('signing-keys-list', { scopes: ['read:users', 'update:signing_keys'] });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({
      statusCode: 403, error: 'Forbidden', message: 'Insufficient scope, expected any of: read:signing_keys', errorCode: 'insufficient_scope',
    });
    const anonymous = await call('signing-keys-list');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Missing authentication', errorCode: 'missing_authentication' });
  });
});

describe('GET /api/v2/keys/signing/{kid}', () => {
  it('answers the key, as the list shows it', async () => {
    const list = await call('signing-keys-list', { scopes: READ });
    for (const key of list.body) {
      const res = await call('signing-keys-get', { params: { kid: key.kid }, scopes: READ });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual(key);
    }
  });

  it('answers 404 for a kid the tenant never had', async () => {
    for (const kid of ['no-such-kid', '__proto__', 'constructor', 'A'.repeat(64)]) {
      const res = await call('signing-keys-get', { params: { kid }, scopes: READ });
      expect(res.status, kid).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'The signing key does not exist.', errorCode: 'inexistent_signing_key' });
    }
  });

  it('answers 400 for a kid that cannot be a key id (oversized, markup, odd unicode, separators)', async () => {
    for (const kid of ['A'.repeat(65), '<script>alert(1)</script>', 'kid\u202e', 'ké', 'a b', '../x', "' OR 1=1", 'KID#x', '\u0000']) {
      const res = await call('signing-keys-get', { params: { kid }, scopes: READ });
      expect(res.status, kid).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_uri' });
      expect(res.body.message).toMatch(/^Path validation error: '.+' on property kid \(Key id of the key\)\.$/);
    }
  });

  it('answers 403 without read:signing_keys', async () => {
    const { kid } = await currentSigner();
    const res = await call('signing-keys-get', { params: { kid }, scopes: ['create:signing_keys'] });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('Insufficient scope, expected any of: read:signing_keys');
  });
});

describe('pkcs7, stored with the certificate', () => {
  it('is made once, when the certificate is: reads answer the stored value', async () => {
    const stored = await listPublicSigningKeys();
    expect(stored.length).toBeGreaterThanOrEqual(2);
    for (const key of stored) expect(key.pkcs7).toBe(pkcs7Of(key.cert!));
    const list = await call('signing-keys-list', { scopes: READ });
    for (const key of list.body) expect(key.pkcs7).toBe(stored.find((k) => k.kid === key.kid)!.pkcs7);
  });

  it('a key certified before pkcs7 was stored answers the same bytes, and the seed stores it', async () => {
    const before = await call('signing-keys-list', { scopes: READ });
    const { kid } = before.body[0];
    await db.send(new UpdateCommand({ TableName: tableName, Key: signingKeyKey(kid), UpdateExpression: 'REMOVE pkcs7' }));
    expect((await listPublicSigningKeys()).find((k) => k.kid === kid)!.pkcs7).toBeUndefined();

    const lazy = await call('signing-keys-list', { scopes: READ });
    expect(lazy.text).toBe(before.text);
    const one = await call('signing-keys-get', { params: { kid }, scopes: READ });
    expect(one.body).toEqual(before.body[0]);

    await ensureSigningKeys(); // the seed (every npm start)
    expect((await listPublicSigningKeys()).find((k) => k.kid === kid)!.pkcs7).toBe(before.body[0].pkcs7);
    expect((await call('signing-keys-list', { scopes: READ })).text).toBe(before.text);
  });
});
