import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { managementAudience } from '#shared/platform/config';
import { call, type CallResult } from '#test/support/api';
import { claimsOf, PASSWORD, REALM_GRANT, seedLoginUser } from '#test/support/logins';
import { CONNECTION } from '#test/support/users';
import { findSession } from '#shared/db/sessions-repo';

/**
 * /oauth/token under the application's policy, set through the Management API: its grant_types
 * (403 unauthorized_client), its token_endpoint_auth_method (401 Unauthorized for any other way
 * of authenticating), client_credentials only with a proven secret, and
 * jwt_configuration.lifetime_in_seconds as the ID token's lifetime.
 */
let email: string;
beforeAll(async () => {
  email = (await seedLoginUser()).email as string;
});

async function app(body: Record<string, unknown>) {
  const res = await call('clients-create', { scopes: ['create:clients'], body: { name: 'policy', ...body } });
  expect(res.status).toBe(201);
  return { id: res.body.client_id as string, secret: res.body.client_secret as string };
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
function token(params: Record<string, string>, headers: Record<string, string> = {}): Promise<CallResult> {
  return call('oauth-token', { headers: { 'content-type': 'application/json', ...headers }, rawBody: JSON.stringify(params) });
}
const realmLogin = (extra: Record<string, string> = {}) => ({ grant_type: REALM_GRANT, realm: CONNECTION, username: email, password: PASSWORD, ...extra });
const UNAUTHORIZED = { status: 401, body: { error: 'access_denied', error_description: 'Unauthorized' } };

describe('grant_types', () => {
  it("refuses a grant type the application lacks with Auth0's 403 unauthorized_client", async () => {
    const web = await app({ app_type: 'regular_web', grant_types: ['authorization_code'] });
    expect(await token(realmLogin({ client_id: web.id, client_secret: web.secret }))).toMatchObject({
      status: 403,
      body: { error: 'unauthorized_client', error_description: `Grant type '${REALM_GRANT}' not allowed for the client.` },
    });
    expect((await token({ grant_type: 'client_credentials', client_id: web.id, client_secret: web.secret, audience: managementAudience })).body).toEqual({
      error: 'unauthorized_client', error_description: "Grant type 'client_credentials' not allowed for the client.",
    });
  });

  it('lets the grant through once a PATCH adds it (at once in this process)', async () => {
    const web = await app({ app_type: 'regular_web', grant_types: ['authorization_code'] });
    expect((await token(realmLogin({ client_id: web.id, client_secret: web.secret }))).status).toBe(403);
    await call('clients-update', { scopes: ['update:clients'], params: { id: web.id }, body: { grant_types: ['authorization_code', REALM_GRANT] } });
    expect((await token(realmLogin({ client_id: web.id, client_secret: web.secret }))).status).toBe(200);
  });
});

describe('token_endpoint_auth_method', () => {
  it('client_secret_basic: the Authorization header only', async () => {
    const c = await app({ app_type: 'regular_web', token_endpoint_auth_method: 'client_secret_basic', grant_types: [REALM_GRANT] });
    expect((await token(realmLogin(), { authorization: basic(c.id, c.secret) })).status).toBe(200);
    expect(await token(realmLogin({ client_id: c.id, client_secret: c.secret }))).toMatchObject(UNAUTHORIZED);
    expect(await token(realmLogin({ client_id: c.id }))).toMatchObject(UNAUTHORIZED);
  });

  it('client_secret_post: the body only', async () => {
    const c = await app({ app_type: 'regular_web', token_endpoint_auth_method: 'client_secret_post', grant_types: [REALM_GRANT] });
    expect((await token(realmLogin({ client_id: c.id, client_secret: c.secret }))).status).toBe(200);
    expect(await token(realmLogin(), { authorization: basic(c.id, c.secret) })).toMatchObject(UNAUTHORIZED);
    expect(await token(realmLogin({ client_id: c.id, client_secret: 'wrong' }))).toMatchObject(UNAUTHORIZED);
  });

  it('none: no secret; one sent anyway is refused, and client_credentials never passes', async () => {
    const c = await app({ app_type: 'spa', token_endpoint_auth_method: 'none', grant_types: [REALM_GRANT, 'client_credentials'] });
    expect((await token(realmLogin({ client_id: c.id }))).status).toBe(200);
    expect(await token(realmLogin({ client_id: c.id, client_secret: c.secret }))).toMatchObject(UNAUTHORIZED);
    expect(await token({ grant_type: 'client_credentials', client_id: c.id, audience: managementAudience })).toMatchObject(UNAUTHORIZED);
  });

  it('unset: confidential app types need the secret by either method; public ones may omit it', async () => {
    const web = await app({ app_type: 'regular_web', grant_types: [REALM_GRANT] });
    expect(await token(realmLogin({ client_id: web.id }))).toMatchObject(UNAUTHORIZED);
    expect((await token(realmLogin({ client_id: web.id, client_secret: web.secret }))).status).toBe(200);
    expect((await token(realmLogin(), { authorization: basic(web.id, web.secret) })).status).toBe(200);
    const spa = await app({ app_type: 'spa', grant_types: [REALM_GRANT, 'client_credentials'] });
    expect((await token(realmLogin({ client_id: spa.id }))).status).toBe(200);
    expect(await token({ grant_type: 'client_credentials', client_id: spa.id, audience: managementAudience })).toMatchObject(UNAUTHORIZED);
  });
});

describe('jwt_configuration.lifetime_in_seconds', () => {
  it("sets the ID token's lifetime (Auth0's 36,000 s by default)", async () => {
    const short = await app({ app_type: 'regular_web', grant_types: [REALM_GRANT], jwt_configuration: { lifetime_in_seconds: 600 } });
    const res = await token(realmLogin({ client_id: short.id, client_secret: short.secret, scope: 'openid' }));
    expect(res.status).toBe(200);
    const id = claimsOf(res.body.id_token);
    expect((id.exp as number) - (id.iat as number)).toBe(600);
    await call('clients-update', { scopes: ['update:clients'], params: { id: short.id }, body: { jwt_configuration: { lifetime_in_seconds: 7200 } } });
    const later = claimsOf((await token(realmLogin({ client_id: short.id, client_secret: short.secret, scope: 'openid' }))).body.id_token);
    expect((later.exp as number) - (later.iat as number)).toBe(7200);
    const plain = await app({ app_type: 'regular_web', grant_types: [REALM_GRANT] });
    const byDefault = claimsOf((await token(realmLogin({ client_id: plain.id, client_secret: plain.secret, scope: 'openid' }))).body.id_token);
    expect((byDefault.exp as number) - (byDefault.iat as number)).toBe(36_000);
  });
});

describe('refresh_token.token_lifetime', () => {
  const sessionLife = async (c: { id: string; secret: string }) => {
    const res = await token(realmLogin({ client_id: c.id, client_secret: c.secret, scope: 'openid offline_access' }));
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toEqual(expect.any(String));
    const sid = claimsOf(res.body.access_token).sid as string;
    const session = await findSession(sid, true);
    return session!.ttl - Math.floor(Date.now() / 1000);
  };

  it('ends the refresh token (its session) after token_lifetime when expiring; 30 days otherwise', async () => {
    const expiring = await app({
      app_type: 'regular_web', grant_types: [REALM_GRANT, 'refresh_token'],
      refresh_token: { expiration_type: 'expiring', token_lifetime: 90_000, idle_token_lifetime: 3_600 },
    });
    expect(Math.abs((await sessionLife(expiring)) - 90_000)).toBeLessThan(5);
    const plain = await app({ app_type: 'regular_web', grant_types: [REALM_GRANT, 'refresh_token'] });
    expect(Math.abs((await sessionLife(plain)) - 30 * 86_400)).toBeLessThan(5);
  });
});

describe('refresh_token.idle_token_lifetime', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refuses a refresh token unused for longer than idle_token_lifetime (expiring tokens only)', async () => {
    const idle = await app({
      app_type: 'regular_web', grant_types: [REALM_GRANT, 'refresh_token'],
      refresh_token: { expiration_type: 'expiring', token_lifetime: 86_400, idle_token_lifetime: 600 },
    });
    const refresh = (refresh_token: string) =>
      token({ grant_type: 'refresh_token', refresh_token, client_id: idle.id, client_secret: idle.secret });
    const first = await token(realmLogin({ client_id: idle.id, client_secret: idle.secret, scope: 'openid offline_access' }));
    // Used within the idle time: a new token, whose idle time starts again.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 500_000 });
    const second = await refresh(first.body.refresh_token);
    expect(second.status).toBe(200);
    vi.setSystemTime(Date.now() + 601_000);
    expect(await refresh(second.body.refresh_token)).toMatchObject({ status: 403, body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' } });
  });
});
