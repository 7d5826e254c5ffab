import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { SignJWT, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { currentSigner } from '#shared/authentication/tokens/current-signer';
import { nowSeconds, signJws } from '#shared/authentication/tokens/sign';
import { call, type CallResult } from '#test/support/api';
import { managementClaims, managementToken, tokenSignedByStranger, unsignedToken } from '#test/support/tokens';

/**
 * Management API bearer-token verification, through a real route: each failure answers with its
 * own Auth0 message, and nothing but an RS256 token from our key, issuer and audience gets in.
 */
const REALM = 'Bearer realm="https://tenant.example.test/api/v2/"';
const SCOPES = ['read:users'];

const list = (authorization?: string) => call('users-list', authorization ? { headers: { authorization } } : {});
const bearer = (token: string) => list(`Bearer ${token}`);

function expectUnauthorized(res: CallResult, message: string, withAttributes: boolean) {
  expect(res.status, res.text).toBe(401);
  expect(res.body).toEqual({
    statusCode: 401,
    error: 'Unauthorized',
    message,
    errorCode: 'invalid_token',
    ...(withAttributes ? { attributes: { error: message } } : {}),
  });
  expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  expect(res.headers['www-authenticate']?.startsWith(`${REALM}, `)).toBe(true);
}

/** Signs claims with the tenant's real private key under a header of our choosing. */
async function signWithTenantKey(header: { alg: 'RS256'; typ?: string; kid?: string }, claims = managementClaims({ scopes: SCOPES })) {
  return signJws(header, claims, await currentSigner());
}

describe('Management API authentication', () => {
  it('lets a valid token through (control case)', async () => {
    const res = await bearer(await managementToken({ scopes: SCOPES }));
    expect(res.status, res.text).toBe(200);
  });

  it('answers 401 "Missing authentication" with a bare realm challenge when there is no header', async () => {
    const res = await list();
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Missing authentication', errorCode: 'missing_authentication' });
    expect(Object.keys(res.body)).toEqual(['statusCode', 'error', 'message', 'errorCode']);
    expect(res.headers['www-authenticate']).toBe(REALM);
  });

  it('answers 401 "Missing authentication" for another scheme (Basic)', async () => {
    const res = await list(`Basic ${Buffer.from('a:b').toString('base64')}`);
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('Missing authentication');
  });

  it('answers 401 for an expired token, repeating the reason in attributes', async () => {
    const past = nowSeconds() - 7200;
    const res = await bearer(await managementToken({ scopes: SCOPES, claims: { iat: past, exp: past + 3600 } }));
    expectUnauthorized(res, 'Expired token received for JSON Web Token validation', true);
    expect(res.headers['www-authenticate']).toBe(
      `${REALM}, error="invalid_token", error_description="Expired token received for JSON Web Token validation"`,
    );
  });

  it('answers 401 "Invalid token" for an unsigned token (alg none)', async () => {
    const res = await bearer(await unsignedToken({ scopes: SCOPES }));
    expectUnauthorized(res, 'Invalid token', true);
    expect(res.headers['www-authenticate']).toBe(`${REALM}, error="invalid_token", error_description="Invalid token"`);
  });

  it('answers 401 "Invalid token" for a token signed by a stranger under our kid', async () => {
    expectUnauthorized(await bearer(await tokenSignedByStranger({ scopes: SCOPES })), 'Invalid token', true);
  });

  it('answers 401 "Invalid token" for an unknown kid, even when signed with our key', async () => {
    expectUnauthorized(await bearer(await signWithTenantKey({ alg: 'RS256', typ: 'JWT', kid: 'no-such-kid' })), 'Invalid token', true);
  });

  it('answers 401 "Invalid token" for a token without a kid', async () => {
    expectUnauthorized(await bearer(await signWithTenantKey({ alg: 'RS256', typ: 'JWT' })), 'Invalid token', true);
  });

  it('answers 401 "Invalid token" for a tampered payload', async () => {
    const [header, , signature] = (await managementToken({ scopes: SCOPES })).split('.');
    const payload = Buffer.from(JSON.stringify(managementClaims({ scopes: ['delete:users', 'read:users'] }))).toString('base64url');
    expectUnauthorized(await bearer(`${header}.${payload}.${signature}`), 'Invalid token', true);
  });

  it('answers 401 "Invalid token" for an HS256 token keyed with our public key (algorithm confusion)', async () => {
    const { kid } = await currentSigner();
    const jwks = await call<{ keys: JWK[] }>('jwks');
    const jwk = jwks.body.keys.find((k) => k.kid === kid);
    expect(jwk).toBeDefined();
    const publicKey = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    const secrets = [
      publicKey.export({ type: 'spki', format: 'pem' }) as string,
      publicKey.export({ type: 'pkcs1', format: 'pem' }) as string,
      JSON.stringify(jwk),
    ];
    for (const secret of secrets) {
      const token = await new SignJWT(managementClaims({ scopes: SCOPES }))
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid })
        .sign(new TextEncoder().encode(secret));
      expectUnauthorized(await bearer(token), 'Invalid token', true);
    }
  });

  it('answers 401 "Bad issuer: <iss>" for a token from another issuer', async () => {
    const res = await bearer(await managementToken({ scopes: SCOPES, claims: { iss: 'https://evil.example/' } }));
    expectUnauthorized(res, 'Bad issuer: https://evil.example/', false);
  });

  it('answers 401 "Bad audience: <token aud>" for a token for another API', async () => {
    const res = await bearer(await managementToken({ scopes: SCOPES, claims: { aud: 'https://api.other.example/' } }));
    expectUnauthorized(res, 'Bad audience: https://api.other.example/', false);
  });

  it('keeps the www-authenticate header on one line whatever a claim contains', async () => {
    const iss = 'https://evil.example/"\r\nSet-Cookie: a=b';
    const res = await bearer(await managementToken({ scopes: SCOPES, claims: { iss } }));
    expectUnauthorized(res, `Bad issuer: ${iss}`, false);
    expect(res.headers['www-authenticate']).not.toMatch(/[\r\n]/);
    expect(res.headers['www-authenticate']?.match(/"/g)).toHaveLength(6);
  });

  it.each(['abc', 'a.b', 'a.b.c.d'])('answers 400 "Bad HTTP authentication header format" for the non-JWT bearer %s', async (value) => {
    const res = await list(`Bearer ${value}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Bad HTTP authentication header format',
      errorCode: 'invalid_authorization_header',
    });
  });

  it('answers 403 insufficient_scope for a valid token without a listed scope', async () => {
    const res = await bearer(await managementToken({ scopes: ['create:users', 'read:current_user'] }));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Insufficient scope, expected any of: read:users,read:user_idp_tokens',
      errorCode: 'insufficient_scope',
    });
    expect(Object.keys(res.body)).toEqual(['statusCode', 'error', 'message', 'errorCode']);
  });

  it('answers 403 on users-get with the route’s own scope list', async () => {
    const res = await call('users-get', { params: { id: 'auth0|000000000000000000000000' }, scopes: ['create:users'] });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Insufficient scope, expected any of: read:users,read:current_user,read:user_idp_tokens',
      errorCode: 'insufficient_scope',
    });
  });
});
