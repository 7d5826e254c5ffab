import { beforeAll, describe, expect, it } from 'vitest';
import { managementAudience } from '#shared/platform/config';
import type { RequestRecord } from '#shared/http/handler';
import { call, observeRequests } from '#test/support/api';
import { claimsOf, login, PASSWORD, REALM_GRANT, seedApplication, seedLoginUser } from '#test/support/logins';
import { CONNECTION } from '#test/support/users';

let app: { client_id: string; client_secret: string };
beforeAll(async () => {
  app = await seedApplication();
});

describe('password and password-realm grants', () => {
  it('issues an access token and an ID token with the claims the scopes allow', async () => {
    const user = await seedLoginUser({ given_name: 'Ada' });
    const res = await login(app, { username: user.email, password: PASSWORD, scope: 'openid profile email' });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body)).toEqual(['access_token', 'id_token', 'scope', 'expires_in', 'token_type']);
    expect(res.body).toMatchObject({ scope: 'openid profile email', expires_in: 86400, token_type: 'Bearer' });
    expect(res.headers['cache-control']).toBe('no-store');
    const id = claimsOf(res.body.id_token);
    expect(Object.keys(id)).toEqual(['given_name', 'nickname', 'name', 'picture', 'updated_at', 'email', 'email_verified', 'iss', 'aud', 'iat', 'exp', 'sub', 'sid']);
    expect(id).toMatchObject({
      given_name: 'Ada', nickname: user.nickname, name: user.name, picture: user.picture, email: user.email, email_verified: false,
      iss: 'https://tenant.example.test/', aud: app.client_id, sub: user.user_id,
    });
    expect((id.exp as number) - (id.iat as number)).toBe(36000);
    const access = claimsOf(res.body.access_token);
    expect(access).toMatchObject({ sub: user.user_id, aud: 'https://tenant.example.test/userinfo', scope: 'openid profile email', azp: app.client_id, sid: id.sid });
  });

  it('uses the default connection for the plain password grant, and needs username and password', async () => {
    const user = await seedLoginUser();
    const res = await login(app, { grant_type: 'password', realm: '', username: user.email, password: PASSWORD, scope: 'openid' });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body)).toEqual(['access_token', 'id_token', 'scope', 'expires_in', 'token_type']);
    expect((await login(app, { username: user.email })).body).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter: password' });
    expect((await login(app, { password: PASSWORD })).body).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter: username' });
    expect((await login(app, { realm: '', username: user.email, password: PASSWORD })).body).toEqual({
      error: 'invalid_request', error_description: 'Missing required parameter: realm',
    });
  });

  it("answers Auth0's invalid_grant for a wrong password or an unknown user, alike", async () => {
    const user = await seedLoginUser();
    const wrong = await login(app, { username: user.email, password: 'Wrong-Passw0rd!' });
    const unknown = await login(app, { username: 'nobody@example.com', password: PASSWORD });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'Wrong email or password.' });
    }
  });

  it("refuses a blocked user with Auth0's answer", async () => {
    const user = await seedLoginUser();
    await call('users-update', { params: { id: user.user_id }, scopes: ['update:users'], body: { blocked: true } });
    const res = await login(app, { username: user.email, password: PASSWORD });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthorized', error_description: 'user is blocked' });
  });

  it('refuses an application not allowed the grant, and an unknown audience', async () => {
    const machine = await seedApplication(['client_credentials']);
    const user = await seedLoginUser();
    const res = await login(machine, { username: user.email, password: PASSWORD });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'unauthorized_client', error_description: `Grant type '${REALM_GRANT}' not allowed for the client.` });
    const api = await login(app, { username: user.email, password: PASSWORD, audience: 'https://api.example.com/' });
    expect(api.body).toEqual({ error: 'access_denied', error_description: 'Service not found: https://api.example.com/' });
  });

  it('lets a public (SPA) application log in without a secret', async () => {
    const spa = await seedApplication(['password', REALM_GRANT], 'spa');
    const user = await seedLoginUser();
    const res = await login({ client_id: spa.client_id }, { username: user.email, password: PASSWORD });
    expect(res.status, res.text).toBe(200);
  });

  it('counts logins: logins_count, last_login and last_ip appear on the user', async () => {
    const user = await seedLoginUser();
    await login(app, { username: user.email, password: PASSWORD });
    await login(app, { username: user.email, password: PASSWORD }, '198.51.100.4');
    const read = await call('users-get', { params: { id: user.user_id }, scopes: ['read:users'] });
    expect(read.body).toMatchObject({ logins_count: 2, last_ip: '198.51.100.4', last_login: expect.any(String) });
    // users-by-email shows the same statistics (Auth0's user object, wherever it is read).
    const byEmail = await call('users-by-email', { query: { email: user.email }, scopes: ['read:users'] });
    expect(byEmail.body).toEqual([read.body]);
  });

  it('costs at most 2.5 read units and 6 write units per login, the extensions Query included', async () => {
    const user = await seedLoginUser();
    await login(app, { username: user.email, password: PASSWORD }); // warms the client, connection and key caches
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    await login(app, { username: user.email, password: PASSWORD, scope: 'openid offline_access' });
    stop();
    // Reads: the email claim and the two brute-force counters in one BatchGetItem (0.5 RCU each,
    // eventually consistent), the user partition Query (0.5); the second Query loads rules and
    // actions, cached for EXTENSIONS_CACHE_MS outside tests (0 here). DynamoDB Local bills no
    // read for a key it does not find; DynamoDB does, hence the bound rather than an exact figure.
    // Writes: the account-wide and per-IP reservations, the login stats and the session, then the
    // correct password clears both counters (an UpdateItem and a DeleteItem).
    expect(seen[0]!.db.commands.sort()).toEqual([
      'BatchGetItem', 'DeleteItem', 'PutItem', 'Query', 'Query', 'UpdateItem', 'UpdateItem', 'UpdateItem', 'UpdateItem',
    ]);
    expect(seen[0]!.db.readUnits).toBeLessThanOrEqual(2.5);
    expect(seen[0]!.db.writeUnits).toBe(6);
  });
});

describe("a user's own Management API token", () => {
  it('carries the current-user scopes the application asked for, and reaches only that user', async () => {
    const [me, other] = [await seedLoginUser(), await seedLoginUser()];
    const res = await login(app, {
      username: me!.email, password: PASSWORD, audience: managementAudience,
      scope: 'openid read:current_user update:current_user_metadata update:users read:users',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.scope).toBe('openid read:current_user update:current_user_metadata');
    const token = res.body.access_token as string;
    expect(claimsOf(token).aud).toEqual([managementAudience, 'https://tenant.example.test/userinfo']);
    expect((await call('users-get', { params: { id: me!.user_id }, token })).status).toBe(200);
    const mine = await call('users-update', { params: { id: me!.user_id }, token, body: { user_metadata: { theme: 'dark' } } });
    expect(mine.status).toBe(200);
    expect(mine.body.user_metadata).toEqual({ theme: 'dark' });
    expect((await call('users-update', { params: { id: me!.user_id }, token, body: { app_metadata: { plan: 'pro' } } })).status).toBe(403);
    expect((await call('users-get', { params: { id: other!.user_id }, token })).status).toBe(403);
    expect((await call('users-list', { token })).status).toBe(403);
  });
});

describe('brute-force protection', () => {
  it('blocks a user and IP after 10 failures until unblocked, and not other IPs', async () => {
    const user = await seedLoginUser();
    for (let i = 0; i < 10; i++) {
      expect((await login(app, { username: user.email, password: 'Wrong-Passw0rd!' })).status).toBe(403);
    }
    const blocked = await login(app, { username: user.email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.body).toEqual({
      error: 'too_many_attempts',
      error_description: 'Your account has been blocked after multiple consecutive login attempts. We’ve sent you an email with instructions on how to unblock it.',
    });
    expect((await login(app, { username: user.email, password: PASSWORD }, '198.51.100.9')).status).toBe(200);
    const blocks = await call('user-blocks-get', { params: { id: user.user_id }, scopes: ['read:users'] });
    expect(blocks.body).toEqual({ blocked_for: [{ identifier: user.email, ip: '203.0.113.7', connection: CONNECTION }] });
    expect((await call('user-blocks-delete', { params: { id: user.user_id }, scopes: ['update:users'] })).status).toBe(204);
    expect((await call('user-blocks-get', { params: { id: user.user_id }, scopes: ['read:users'] })).body).toEqual({ blocked_for: [] });
    expect((await login(app, { username: user.email, password: PASSWORD })).status).toBe(200);
  });

  it('cannot be bypassed by sending the guesses all at once', async () => {
    const user = await seedLoginUser();
    const results = await Promise.all(Array.from({ length: 30 }, () => login(app, { username: user.email, password: 'Wrong-Passw0rd!' })));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 403)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
  });

  it('does not count a correct password that a rule or a block refuses', async () => {
    const user = await seedLoginUser();
    await call('users-update', { params: { id: user.user_id }, scopes: ['update:users'], body: { blocked: true } });
    for (let i = 0; i < 12; i++) expect((await login(app, { username: user.email, password: PASSWORD })).status).toBe(401);
    await call('users-update', { params: { id: user.user_id }, scopes: ['update:users'], body: { blocked: false } });
    expect((await login(app, { username: user.email, password: PASSWORD })).status).toBe(200);
  });

  it('answers an identifier too long to exist like any unknown user', async () => {
    const res = await login(app, { username: `${'a'.repeat(3000)}@example.com`, password: PASSWORD });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'invalid_grant', error_description: 'Wrong email or password.' });
  });

  it('forgets failures after a successful login', async () => {
    const user = await seedLoginUser();
    for (let i = 0; i < 9; i++) await login(app, { username: user.email, password: 'Wrong-Passw0rd!' });
    expect((await login(app, { username: user.email, password: PASSWORD })).status).toBe(200);
    for (let i = 0; i < 9; i++) await login(app, { username: user.email, password: 'Wrong-Passw0rd!' });
    expect((await login(app, { username: user.email, password: PASSWORD })).status).toBe(200);
  });

  it('is lifted by a password reset', async () => {
    const user = await seedLoginUser();
    for (let i = 0; i < 10; i++) await login(app, { username: user.email, password: 'Wrong-Passw0rd!' });
    expect((await login(app, { username: user.email, password: PASSWORD })).status).toBe(429);
    const reset = await call('users-update', { params: { id: user.user_id }, scopes: ['update:users'], body: { password: 'N3w-Passw0rd!' } });
    expect(reset.status).toBe(200);
    expect((await login(app, { username: user.email, password: 'N3w-Passw0rd!' })).status).toBe(200);
  });

  it('answers 404 for the blocks of an unknown user', async () => {
    const res = await call('user-blocks-get', { params: { id: 'auth0|000000000000000000000000' }, scopes: ['read:users'] });
    expect(res.status).toBe(404);
  });
});
