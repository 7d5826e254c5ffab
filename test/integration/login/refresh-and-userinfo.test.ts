import { beforeAll, describe, expect, it } from 'vitest';
import { call } from '#test/support/api';
import { claimsOf, login, PASSWORD, seedApplication, seedLoginUser } from '#test/support/logins';

let app: { client_id: string; client_secret: string };
beforeAll(async () => {
  app = await seedApplication();
});

const refresh = (refresh_token: string, extra: Record<string, string> = {}, client = app) =>
  login(client, { grant_type: 'refresh_token', refresh_token, ...extra });

describe('refresh_token grant with rotation', () => {
  it('rotates: each use returns new tokens and a new refresh token', async () => {
    const user = await seedLoginUser();
    const first = await login(app, { username: user.email, password: PASSWORD, scope: 'openid email offline_access' });
    expect(Object.keys(first.body)).toEqual(['access_token', 'id_token', 'refresh_token', 'scope', 'expires_in', 'token_type']);
    const second = await refresh(first.body.refresh_token);
    expect(second.status, second.text).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    expect(second.body.scope).toBe('openid email offline_access');
    expect(claimsOf(second.body.id_token)).toMatchObject({ sub: user.user_id, email: user.email, sid: claimsOf(first.body.id_token).sid });
    expect((await refresh(second.body.refresh_token)).status).toBe(200);
  });

  it('revokes the whole session when a rotated token is used again (after the double-submit grace)', async () => {
    const user = await seedLoginUser();
    const first = await login(app, { username: user.email, password: PASSWORD, scope: 'openid offline_access' });
    const second = await refresh(first.body.refresh_token);
    await new Promise((r) => setTimeout(r, 5_100));
    const reuse = await refresh(first.body.refresh_token);
    expect(reuse.status).toBe(403);
    expect(reuse.body).toEqual({ error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
    expect((await refresh(second.body.refresh_token)).status).toBe(403);
    const info = await call('userinfo', { headers: { authorization: `Bearer ${second.body.access_token}` } });
    expect(info.status).toBe(401);
  });

  it('lets exactly one of two concurrent uses through, and keeps the session (a double submit)', async () => {
    const user = await seedLoginUser();
    const first = await login(app, { username: user.email, password: PASSWORD, scope: 'offline_access' });
    const results = await Promise.all([refresh(first.body.refresh_token), refresh(first.body.refresh_token)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 403]);
    const winner = results.find((r) => r.status === 200)!;
    expect((await refresh(winner.body.refresh_token)).status).toBe(200);
  });

  it('refuses a forged token without revoking the session, and another client', async () => {
    const user = await seedLoginUser();
    const first = await login(app, { username: user.email, password: PASSWORD, scope: 'offline_access' });
    const [sid, generation] = (first.body.refresh_token as string).split('.');
    const forged = `${sid}.${Number(generation) + 0}.${'A'.repeat(43)}`;
    expect((await refresh(forged)).status).toBe(403);
    expect((await refresh('garbage')).status).toBe(403);
    const other = await seedApplication();
    expect((await refresh(first.body.refresh_token, {}, other)).status).toBe(403);
    expect((await refresh(first.body.refresh_token)).status).toBe(200);
  });

  it('issues no refresh token without offline_access, or to a client not allowed to refresh', async () => {
    const user = await seedLoginUser();
    expect((await login(app, { username: user.email, password: PASSWORD, scope: 'openid' })).body).not.toHaveProperty('refresh_token');
    const noRefresh = await seedApplication(['password', 'http://auth0.com/oauth/grant-type/password-realm']);
    const res = await login(noRefresh, { username: user.email, password: PASSWORD, scope: 'openid offline_access' });
    expect(res.body.scope).toBe('openid');
    expect(res.body).not.toHaveProperty('refresh_token');
  });

  it('narrows scopes on refresh, never widens them', async () => {
    const user = await seedLoginUser();
    const first = await login(app, { username: user.email, password: PASSWORD, scope: 'openid email offline_access' });
    const narrower = await refresh(first.body.refresh_token, { scope: 'openid offline_access' });
    expect(narrower.body.scope).toBe('openid offline_access');
    const wider = await refresh(narrower.body.refresh_token, { scope: 'openid profile' });
    expect(wider.status).toBe(403);
  });

  it('stops working once the user is deleted', async () => {
    const user = await seedLoginUser();
    const first = await login(app, { username: user.email, password: PASSWORD, scope: 'offline_access' });
    await call('users-delete', { params: { id: user.user_id }, scopes: ['delete:users'] });
    expect((await refresh(first.body.refresh_token)).status).toBe(403);
  });
});

describe('GET /userinfo', () => {
  it('answers sub and the standard claims the scopes allow', async () => {
    const user = await seedLoginUser({ given_name: 'Grace' });
    const res = await login(app, { username: user.email, password: PASSWORD, scope: 'openid profile email' });
    const info = await call('userinfo', { headers: { authorization: `Bearer ${res.body.access_token}` } });
    expect(info.status).toBe(200);
    expect(info.body).toEqual({
      sub: user.user_id, given_name: 'Grace', nickname: user.nickname, name: user.name, picture: user.picture,
      updated_at: user.updated_at, email: user.email, email_verified: false,
    });
    const emailOnly = await login(app, { username: user.email, password: PASSWORD, scope: 'openid email' });
    const narrow = await call('userinfo', { headers: { authorization: `Bearer ${emailOnly.body.access_token}` } });
    expect(narrow.body).toEqual({ sub: user.user_id, email: user.email, email_verified: false });
  });

  it('answers 401 with WWW-Authenticate for a missing or bad token, and 403 without openid', async () => {
    const missing = await call('userinfo');
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: 'invalid_token', error_description: 'Missing authentication' });
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="https://tenant.example.test/userinfo"');
    const bad = await call('userinfo', { headers: { authorization: 'Bearer a.b.c' } });
    expect(bad.status).toBe(401);
    const opaque = await call('userinfo', { headers: { authorization: 'Bearer not-a-jwt' } });
    expect(opaque.status).toBe(401);
    expect(opaque.body).toEqual({ error: 'invalid_token', error_description: 'Invalid token' });
    const user = await seedLoginUser();
    const res = await login(app, { username: user.email, password: PASSWORD, scope: 'profile' });
    const noOpenid = await call('userinfo', { headers: { authorization: `Bearer ${res.body.access_token}` } });
    expect(noOpenid.status).toBe(403);
  });
});
