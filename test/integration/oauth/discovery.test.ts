import { calculateJwkThumbprint, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { call } from '#test/support/api';
import { currentSigner } from '#shared/authentication/tokens/current-signer';

/** The two public discovery documents: OpenID Provider metadata and the JWKS. */
const ISSUER = 'https://tenant.example.test/';
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

describe('GET /.well-known/openid-configuration', () => {
  it('answers the provider metadata, with every URL under the issuer', async () => {
    const res = await call('openid-configuration');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      issuer: ISSUER,
      authorization_endpoint: 'https://tenant.example.test/authorize',
      token_endpoint: 'https://tenant.example.test/oauth/token',
      userinfo_endpoint: 'https://tenant.example.test/userinfo',
      jwks_uri: 'https://tenant.example.test/.well-known/jwks.json',
      revocation_endpoint: 'https://tenant.example.test/oauth/revoke',
      scopes_supported: ['openid', 'profile', 'offline_access', 'email'],
      response_types_supported: ['code', 'token', 'id_token', 'token id_token'],
      code_challenge_methods_supported: ['S256'],
      response_modes_supported: ['query', 'fragment', 'form_post', 'web_message'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      grant_types_supported: [
        'authorization_code', 'implicit', 'refresh_token', 'client_credentials', 'password', 'http://auth0.com/oauth/grant-type/password-realm',
      ],
      claims_supported: [
        'aud', 'auth_time', 'email', 'email_verified', 'exp', 'family_name', 'given_name', 'iat', 'iss', 'name', 'nickname',
        'nonce', 'picture', 'sid', 'sub', 'updated_at',
      ],
      request_uri_parameter_supported: false,
      request_parameter_supported: false,
      end_session_endpoint: 'https://tenant.example.test/oidc/logout',
    });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
  });
});

describe('every endpoint the document names is in the route table', () => {
  it('maps each advertised URL to a route with the method clients use', async () => {
    const { routes } = await import('#shared/http/routes');
    const doc = (await call('openid-configuration')).body as Record<string, unknown>;
    const expected: [string, string][] = [
      ['authorization_endpoint', 'GET'], ['token_endpoint', 'POST'], ['userinfo_endpoint', 'GET'], ['jwks_uri', 'GET'],
      ['revocation_endpoint', 'POST'], ['end_session_endpoint', 'GET'],
    ];
    for (const [field, method] of expected) {
      const path = `/${String(doc[field]).slice(ISSUER.length)}`;
      expect(routes.some((r) => r.path === path && r.method === method), `${field} ${method} ${path}`).toBe(true);
    }
  });
});

describe('GET /.well-known/jwks.json', () => {
  // Since issue 10 the seed makes a next key beside the current one, and every key carries its
  // certificate (x5c, x5t; test/integration/oauth/jwks-x5c.test.ts checks them).
  it('answers the current RS256 signing key first, then the next key', async () => {
    const res = await call<{ keys: JWK[] }>('jwks');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(Object.keys(res.body)).toEqual(['keys']);
    expect(res.body.keys).toHaveLength(2);
    const { kid } = await currentSigner();
    expect(res.body.keys[0]!.kid).toBe(kid);
    for (const key of res.body.keys) {
      expect(key).toEqual({
        kty: 'RSA', e: 'AQAB', n: expect.stringMatching(/^[A-Za-z0-9_-]{342}$/), alg: 'RS256', kid: key.kid, use: 'sig',
        x5c: [expect.stringMatching(/^[A-Za-z0-9+/]+=*$/)], x5t: expect.stringMatching(/^[A-Za-z0-9_-]{27}$/),
      });
      // The kid is the key's RFC 7638 thumbprint, so it names exactly this key.
      expect(await calculateJwkThumbprint(key)).toBe(key.kid);
    }
    expect(res.body.keys[1]!.kid).not.toBe(kid);
  });

  it('never exposes a private key member (d, p, q, dp, dq, qi, oth) or a symmetric secret', async () => {
    const res = await call<{ keys: JWK[] }>('jwks');
    expect(res.status).toBe(200);
    for (const key of res.body.keys) {
      for (const member of PRIVATE_MEMBERS) expect(key, `JWKS member "${member}"`).not.toHaveProperty(member);
      expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use', 'x5c', 'x5t']);
    }
    // Belt and braces: no member name of the private half anywhere in the document.
    for (const member of PRIVATE_MEMBERS) expect(res.text).not.toContain(`"${member}":`);
  });
});
