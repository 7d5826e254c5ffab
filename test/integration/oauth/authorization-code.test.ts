import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeDigest, issueAuthorizationCode, type AuthorizationCodeGrant } from '#shared/authentication/authorize/codes';
import { setCodeExpiry } from '#shared/db/codes-repo';
import { call, observeRequests, type CallResult } from '#test/support/api';
import { claimsOf, PASSWORD, seedLoginUser } from '#test/support/logins';
import { CONNECTION } from '#test/support/users';
import type { RequestRecord } from '#shared/http/handler';

/**
 * grant_type=authorization_code through the route table, with codes made by the function
 * /authorize calls (issueAuthorizationCode): PKCE for public clients, secrets for confidential
 * ones, the code bound to its client and redirect_uri, 60 s, single use, and reuse revoking what
 * the first exchange gave.
 */
const CALLBACK = 'https://app.example.com/callback';
let userId: string;

beforeAll(async () => {
  userId = (await seedLoginUser({ name: 'Code User' })).user_id as string;
});

async function app(body: Record<string, unknown>) {
  const res = await call('clients-create', {
    scopes: ['create:clients'],
    body: { name: 'code-app', callbacks: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'], ...body },
  });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.client_id as string, secret: res.body.client_secret as string };
}
const spa = () => app({ app_type: 'spa', token_endpoint_auth_method: 'none' });
const web = (method: 'client_secret_post' | 'client_secret_basic' = 'client_secret_post') =>
  app({ app_type: 'regular_web', token_endpoint_auth_method: method });

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const issue = (clientId: string, extra: Partial<AuthorizationCodeGrant> = {}) =>
  issueAuthorizationCode({
    client_id: clientId, redirect_uri: CALLBACK, user_id: userId, connection: CONNECTION, scopes: ['openid', 'profile', 'email'],
    auth_time: 1_700_000_000, id_token_claims: { 'https://example.com/role': 'tester' }, access_token_claims: {}, ...extra,
  });

function token(params: Record<string, string>, headers: Record<string, string> = {}): Promise<CallResult> {
  return call('oauth-token', {
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    rawBody: new URLSearchParams(params).toString(),
  });
}
const exchange = (clientId: string, code: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) =>
  token({ grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: CALLBACK, ...extra }, headers);
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const userinfo = (accessToken: string) => call('userinfo', { headers: { authorization: `Bearer ${accessToken}` } });

const INVALID_CODE = { status: 403, body: { error: 'invalid_grant', error_description: 'Invalid authorization code' } };
const VERIFIER_MISMATCH = { status: 403, body: { error: 'invalid_grant', error_description: 'Failed to verify code verifier' } };
const VERIFIER_REQUIRED = { status: 400, body: { error: 'invalid_request', error_description: "Parameter 'code_verifier' is required" } };

describe('public client (SPA) with PKCE', () => {
  it('exchanges a code for tokens with nonce, auth_time and the rules claims; the access token works at /userinfo', async () => {
    const c = await spa();
    const { verifier, challenge } = pkce();
    const code = await issue(c.id, { code_challenge: challenge, nonce: 'n-0S6_WzA2Mj' });
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const res = await exchange(c.id, code, { code_verifier: verifier });
    expect(res.status, res.text).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(Object.keys(res.body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'token_type']);
    expect(res.body).toMatchObject({ scope: 'openid profile email', token_type: 'Bearer', expires_in: 86400 });
    const id = claimsOf(res.body.id_token);
    expect(id).toMatchObject({
      aud: c.id, sub: userId, nonce: 'n-0S6_WzA2Mj', auth_time: 1_700_000_000, name: 'Code User', 'https://example.com/role': 'tester',
    });
    expect(id.at_hash).toBeUndefined();
    expect(claimsOf(res.body.access_token)).toMatchObject({ sub: userId, azp: c.id, scope: 'openid profile email', sid: id.sid });
    const info = await userinfo(res.body.access_token);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ sub: userId, name: 'Code User', 'https://example.com/role': 'tester' });
  });

  it('makes three DynamoDB requests: the code (UpdateItem), the user (GetItem), the session (PutItem)', async () => {
    const c = await spa();
    const { verifier, challenge } = pkce();
    // Warm: the client and the signing key are cached (creating the client cleared the tenant caches).
    expect((await exchange(c.id, await issue(c.id, { code_challenge: challenge }), { code_verifier: verifier })).status).toBe(200);
    const code = await issue(c.id, { code_challenge: challenge });
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    const res = await exchange(c.id, code, { code_verifier: verifier });
    stop();
    expect(res.status).toBe(200);
    expect(seen.map((r) => r.db.commands)).toEqual([['UpdateItem', 'GetItem', 'PutItem']]);
  });

  it('refuses a missing verifier before the code is used (400), so the right one still works', async () => {
    const c = await spa();
    const { verifier, challenge } = pkce();
    const code = await issue(c.id, { code_challenge: challenge });
    expect(await exchange(c.id, code)).toMatchObject(VERIFIER_REQUIRED);
    expect((await exchange(c.id, code, { code_verifier: verifier })).status).toBe(200);
  });

  it('refuses a wrong verifier (403) and the code is spent: no second try', async () => {
    const c = await spa();
    const { verifier, challenge } = pkce();
    const code = await issue(c.id, { code_challenge: challenge });
    expect(await exchange(c.id, code, { code_verifier: pkce().verifier })).toMatchObject(VERIFIER_MISMATCH);
    expect(await exchange(c.id, code, { code_verifier: verifier })).toMatchObject(INVALID_CODE);
  });

  it('refuses malformed verifiers: too short, too long, outside the unreserved set, the challenge itself', async () => {
    const c = await spa();
    for (const bad of ['a'.repeat(42), 'a'.repeat(129), `${'a'.repeat(42)}+`, `${'a'.repeat(42)}é`]) {
      const { challenge } = pkce();
      expect(await exchange(c.id, await issue(c.id, { code_challenge: challenge }), { code_verifier: bad })).toMatchObject(VERIFIER_MISMATCH);
    }
    const { challenge } = pkce();
    expect(await exchange(c.id, await issue(c.id, { code_challenge: challenge }), { code_verifier: challenge })).toMatchObject(VERIFIER_MISMATCH);
  });

  it("refuses a public client's code issued without a challenge (it has no other proof)", async () => {
    const c = await spa();
    expect(await exchange(c.id, await issue(c.id))).toMatchObject(VERIFIER_REQUIRED);
    expect(await exchange(c.id, await issue(c.id), { code_verifier: pkce().verifier })).toMatchObject(VERIFIER_MISMATCH);
  });

  it('refuses a secret from a public client (401, its auth method is none)', async () => {
    const c = await spa();
    const { verifier, challenge } = pkce();
    expect(await exchange(c.id, await issue(c.id, { code_challenge: challenge }), { code_verifier: verifier, client_secret: c.secret })).toMatchObject({
      status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' },
    });
  });
});

describe('confidential client', () => {
  it('client_secret_post, without PKCE', async () => {
    const c = await web('client_secret_post');
    const res = await exchange(c.id, await issue(c.id), { client_secret: c.secret });
    expect(res.status, res.text).toBe(200);
    expect(claimsOf(res.body.id_token).aud).toBe(c.id);
  });

  it('client_secret_basic, with PKCE', async () => {
    const c = await web('client_secret_basic');
    const { verifier, challenge } = pkce();
    const code = await issue(c.id, { code_challenge: challenge });
    const res = await token({ grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier }, { authorization: basic(c.id, c.secret) });
    expect(res.status, res.text).toBe(200);
  });

  it('a wrong or missing secret is 401 and leaves the code unused', async () => {
    const c = await web('client_secret_post');
    const code = await issue(c.id);
    expect(await exchange(c.id, code, { client_secret: 'wrong' })).toMatchObject({ status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } });
    expect((await exchange(c.id, code)).status).toBe(401);
    expect((await exchange(c.id, code, { client_secret: c.secret })).status).toBe(200);
  });

  it('a code issued with a challenge needs the verifier even with the secret', async () => {
    const c = await web();
    const { challenge } = pkce();
    expect(await exchange(c.id, await issue(c.id, { code_challenge: challenge }), { client_secret: c.secret })).toMatchObject(VERIFIER_REQUIRED);
  });

  it('a verifier for a code issued without a challenge is refused (PKCE downgrade)', async () => {
    const c = await web();
    expect(await exchange(c.id, await issue(c.id), { client_secret: c.secret, code_verifier: pkce().verifier })).toMatchObject(VERIFIER_MISMATCH);
  });

  it('an application without the authorization_code grant type is 403 unauthorized_client', async () => {
    const c = await app({ app_type: 'regular_web', token_endpoint_auth_method: 'client_secret_post', grant_types: ['refresh_token'] });
    expect(await exchange(c.id, await issue(c.id), { client_secret: c.secret })).toMatchObject({
      status: 403, body: { error: 'unauthorized_client', error_description: "Grant type 'authorization_code' not allowed for the client." },
    });
  });
});

describe('binding, lifetime and single use', () => {
  it('another redirect_uri, or none, is refused', async () => {
    const c = await web();
    expect(await exchange(c.id, await issue(c.id), { client_secret: c.secret, redirect_uri: `${CALLBACK}/` })).toMatchObject(INVALID_CODE);
    expect(await exchange(c.id, await issue(c.id), { client_secret: c.secret, redirect_uri: 'https://APP.example.com/callback' })).toMatchObject(INVALID_CODE);
    const code = await issue(c.id);
    expect(await token({ grant_type: 'authorization_code', client_id: c.id, client_secret: c.secret, code })).toMatchObject(INVALID_CODE);
  });

  it("another client's code is refused", async () => {
    const owner = await web();
    const other = await web();
    expect(await exchange(other.id, await issue(owner.id), { client_secret: other.secret })).toMatchObject(INVALID_CODE);
  });

  it('an unknown code, and a missing one', async () => {
    const c = await web();
    expect(await exchange(c.id, randomBytes(32).toString('base64url'), { client_secret: c.secret })).toMatchObject(INVALID_CODE);
    expect(await token({ grant_type: 'authorization_code', client_id: c.id, client_secret: c.secret, redirect_uri: CALLBACK })).toMatchObject({
      status: 400, body: { error: 'invalid_request', error_description: 'Missing required parameter: code' },
    });
  });

  it('an expired code (past its 60 s) is refused', async () => {
    const c = await web();
    const code = await issue(c.id);
    await setCodeExpiry(codeDigest(code), Math.floor(Date.now() / 1000) - 1);
    expect(await exchange(c.id, code, { client_secret: c.secret })).toMatchObject(INVALID_CODE);
  });

  it('a second use is refused and revokes the first exchange: its refresh token and access token stop working', async () => {
    const c = await spa();
    const { verifier, challenge } = pkce();
    const code = await issue(c.id, { code_challenge: challenge, scopes: ['openid', 'profile', 'offline_access'] });
    const first = await exchange(c.id, code, { code_verifier: verifier });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).toEqual(expect.any(String));
    expect((await userinfo(first.body.access_token)).status).toBe(200);

    expect(await exchange(c.id, code, { code_verifier: verifier })).toMatchObject(INVALID_CODE);
    expect(await token({ grant_type: 'refresh_token', client_id: c.id, refresh_token: first.body.refresh_token })).toMatchObject({
      status: 403, body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' },
    });
    expect((await userinfo(first.body.access_token)).status).toBe(401);
  });

  it('of concurrent exchanges of one code, exactly one succeeds', async () => {
    const c = await web();
    const code = await issue(c.id);
    const results = await Promise.all([1, 2, 3].map(() => exchange(c.id, code, { client_secret: c.secret })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 403, 403]);
  });

  it('a blocked user is refused', async () => {
    const blocked = await seedLoginUser();
    await call('users-update', { scopes: ['update:users'], params: { id: blocked.user_id }, body: { blocked: true } });
    const c = await web();
    expect(await exchange(c.id, await issue(c.id, { user_id: blocked.user_id }), { client_secret: c.secret })).toMatchObject({
      status: 401, body: { error: 'unauthorized', error_description: 'user is blocked' },
    });
  });
});

describe('refresh after a code exchange', () => {
  it('offline_access gives a refresh token whose refresh returns an ID token (same auth_time) and a rotated refresh token', async () => {
    const c = await spa();
    const { verifier, challenge } = pkce();
    const code = await issue(c.id, { code_challenge: challenge, scopes: ['openid', 'profile', 'offline_access'], nonce: 'abc' });
    const first = await exchange(c.id, code, { code_verifier: verifier });
    expect(first.status).toBe(200);
    const refreshed = await token({ grant_type: 'refresh_token', client_id: c.id, refresh_token: first.body.refresh_token, redirect_uri: CALLBACK });
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(Object.keys(refreshed.body).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
    expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);
    const id = claimsOf(refreshed.body.id_token);
    expect(id).toMatchObject({ aud: c.id, sub: userId, auth_time: 1_700_000_000 });
    expect(id.nonce).toBeUndefined();
  });
});

describe('hostile input', () => {
  it('a huge code is refused without a table read', async () => {
    const c = await web();
    const seen: RequestRecord[] = [];
    await exchange(c.id, await issue(c.id), { client_secret: c.secret }); // warm the client cache
    const stop = observeRequests((r) => seen.push(r));
    const res = await exchange(c.id, 'A'.repeat(100_000), { client_secret: c.secret });
    stop();
    expect(res).toMatchObject(INVALID_CODE);
    expect(seen[0]!.db.requests).toBe(0);
  });

  it('odd bytes, unicode and markup in a code are an invalid code, never a 500', async () => {
    const c = await web();
    for (const odd of ['\u0000\u0001', '<script>alert(1)</script>', '𝕮𝖔𝖉𝖊', '__proto__', '../../CODE#x', ' ']) {
      expect(await exchange(c.id, odd, { client_secret: c.secret })).toMatchObject(INVALID_CODE);
    }
  });

  it('a JSON body works as a form does', async () => {
    const c = await web();
    const code = await issue(c.id);
    const res = await call('oauth-token', {
      headers: { 'content-type': 'application/json' },
      rawBody: JSON.stringify({ grant_type: 'authorization_code', client_id: c.id, client_secret: c.secret, code, redirect_uri: CALLBACK }),
    });
    expect(res.status, res.text).toBe(200);
  });

  it('a JSON body with a non-string code is a 400', async () => {
    const c = await web();
    const res = await call('oauth-token', {
      headers: { 'content-type': 'application/json' },
      rawBody: JSON.stringify({ grant_type: 'authorization_code', client_id: c.id, client_secret: c.secret, code: { $ne: null }, redirect_uri: CALLBACK }),
    });
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: 'Invalid value for parameter: code (expected a string)' } });
  });

  it('a repeated parameter is a 400 (RFC 6749 §3.2), and the code stays unused', async () => {
    const c = await web();
    const code = await issue(c.id);
    const body = `grant_type=authorization_code&client_id=${c.id}&client_secret=${c.secret}&code=${code}&code=${code}&redirect_uri=${encodeURIComponent(CALLBACK)}`;
    const res = await call('oauth-token', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawBody: body });
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: "Parameter 'code' must not be repeated" } });
    expect((await exchange(c.id, code, { client_secret: c.secret })).status).toBe(200);
  });
});
