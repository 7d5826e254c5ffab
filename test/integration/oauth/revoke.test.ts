import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueAuthorizationCode } from '#shared/authentication/authorize/codes';
import { call, type CallResult } from '#test/support/api';
import { seedLoginUser } from '#test/support/logins';
import { CONNECTION } from '#test/support/users';

/**
 * POST /oauth/revoke (Auth0: `{client_id, client_secret?, token}` -> 200, empty body): the refresh
 * token's session ends, so the token and the access tokens of its login stop working; anything
 * else the token may be is answered 200 and changes nothing.
 */
const CALLBACK = 'https://revoke.example/cb';
let userId: string;

beforeAll(async () => {
  userId = (await seedLoginUser()).user_id as string;
});

async function app(body: Record<string, unknown>) {
  const res = await call('clients-create', {
    scopes: ['create:clients'], body: { name: 'revoke-app', callbacks: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'], ...body },
  });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.client_id as string, secret: res.body.client_secret as string };
}

const form = (route: 'oauth-token' | 'oauth-revoke', params: Record<string, string>, headers: Record<string, string> = {}): Promise<CallResult> =>
  call(route, { headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, rawBody: new URLSearchParams(params).toString() });

/** A login through a code: tokens with a refresh token. */
async function login(client: { id: string; secret?: string }, pkce: boolean) {
  const verifier = randomBytes(32).toString('base64url');
  const code = await issueAuthorizationCode({
    client_id: client.id, redirect_uri: CALLBACK, user_id: userId, connection: CONNECTION, scopes: ['openid', 'offline_access'],
    auth_time: 1_700_000_000, id_token_claims: {}, access_token_claims: {},
    ...(pkce ? { code_challenge: createHash('sha256').update(verifier).digest('base64url') } : {}),
  });
  const res = await form('oauth-token', {
    grant_type: 'authorization_code', client_id: client.id, code, redirect_uri: CALLBACK,
    ...(pkce ? { code_verifier: verifier } : { client_secret: client.secret! }),
  });
  expect(res.status, res.text).toBe(200);
  return res.body as { access_token: string; refresh_token: string };
}
const refresh = (clientId: string, token: string, extra: Record<string, string> = {}) =>
  form('oauth-token', { grant_type: 'refresh_token', client_id: clientId, refresh_token: token, ...extra });
const userinfo = (accessToken: string) => call('userinfo', { headers: { authorization: `Bearer ${accessToken}` } });

describe('POST /oauth/revoke', () => {
  it("a public client revokes its refresh token: 200, empty body; the token and the login's access token stop working", async () => {
    const c = await app({ app_type: 'spa', token_endpoint_auth_method: 'none' });
    const tokens = await login(c, true);
    const res = await form('oauth-revoke', { client_id: c.id, token: tokens.refresh_token });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect((await refresh(c.id, tokens.refresh_token)).status).toBe(403);
    expect((await userinfo(tokens.access_token)).status).toBe(401);
  });

  it('a confidential client must prove its secret (401), by its method', async () => {
    const c = await app({ app_type: 'regular_web', token_endpoint_auth_method: 'client_secret_post' });
    const tokens = await login(c, false);
    expect(await form('oauth-revoke', { client_id: c.id, token: tokens.refresh_token })).toMatchObject({
      status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' },
    });
    expect((await refresh(c.id, tokens.refresh_token, { client_secret: c.secret })).status).toBe(200);
    const again = await login(c, false);
    expect((await form('oauth-revoke', { client_id: c.id, client_secret: c.secret, token: again.refresh_token })).status).toBe(200);
    expect((await refresh(c.id, again.refresh_token, { client_secret: c.secret })).status).toBe(403);
  });

  it("another client's token: 200, and the token keeps working", async () => {
    const owner = await app({ app_type: 'spa', token_endpoint_auth_method: 'none' });
    const other = await app({ app_type: 'spa', token_endpoint_auth_method: 'none' });
    const tokens = await login(owner, true);
    expect((await form('oauth-revoke', { client_id: other.id, token: tokens.refresh_token })).status).toBe(200);
    expect((await refresh(owner.id, tokens.refresh_token)).status).toBe(200);
  });

  it('unknown, forged, access tokens and odd input: 200, nothing revoked; a missing token or client is a 400', async () => {
    const c = await app({ app_type: 'spa', token_endpoint_auth_method: 'none' });
    const tokens = await login(c, true);
    const [sid, generation] = tokens.refresh_token.split('.');
    for (const token of [
      tokens.access_token, `${sid}.${generation}.${'A'.repeat(43)}`, 'x'.repeat(100_000), '<script>alert(1)</script>', '__proto__', '\u0000',
    ]) {
      expect((await form('oauth-revoke', { client_id: c.id, token })).status).toBe(200);
    }
    expect((await refresh(c.id, tokens.refresh_token)).status).toBe(200);
    expect(await form('oauth-revoke', { client_id: c.id })).toMatchObject({
      status: 400, body: { error: 'invalid_request', error_description: 'Missing required parameter: token' },
    });
    expect(await form('oauth-revoke', { token: 'x' })).toMatchObject({
      status: 400, body: { error: 'invalid_request', error_description: 'Missing required parameter: client_id' },
    });
    expect(await form('oauth-revoke', { client_id: 'nope', token: 'x' })).toMatchObject({ status: 401 });
  });

  it('answers a browser with CORS headers, and its preflight', async () => {
    const c = await app({ app_type: 'spa', token_endpoint_auth_method: 'none', web_origins: ['https://revoke-spa.example'] });
    const tokens = await login(c, true);
    const res = await form('oauth-revoke', { client_id: c.id, token: tokens.refresh_token }, { origin: 'https://revoke-spa.example' });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('https://revoke-spa.example');
    const pre = await call('oauth-revoke-preflight', {
      headers: { origin: 'https://revoke-spa.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers).toMatchObject({ 'access-control-allow-origin': 'https://revoke-spa.example', 'access-control-allow-methods': 'POST' });
  });
});
