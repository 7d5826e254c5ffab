import { beforeAll, describe, expect, it } from 'vitest';
import { managementAudience } from '#shared/platform/config';
import { call, type CallResult } from '#test/support/api';
import { login, PASSWORD, seedApplication, seedLoginUser } from '#test/support/logins';

/**
 * A user's own Management API token (current-user scopes) lives only as long as its login: once
 * the session is revoked (a replayed refresh token) or the user is blocked or deleted, the 24 h
 * token stops reading and patching the user at once, as /userinfo already did (issue 8, 3.7).
 */
let app: { client_id: string; client_secret: string };
beforeAll(async () => {
  app = await seedApplication();
});

const SCOPE = 'openid offline_access read:current_user update:current_user_metadata';
const REALM = `Bearer realm="${managementAudience}"`;

async function signIn(email: string) {
  const res = await login(app, { username: email, password: PASSWORD, audience: managementAudience, scope: SCOPE });
  expect(res.status, res.text).toBe(200);
  return res.body as { access_token: string; refresh_token: string };
}

const readSelf = (id: string, token: string) => call('users-get', { params: { id }, token });
const patchSelf = (id: string, token: string) => call('users-update', { params: { id }, token, body: { user_metadata: { theme: 'dark' } } });

function expectRefused(res: CallResult, message: string): void {
  expect(res.status).toBe(401);
  expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message, errorCode: 'invalid_token' });
  expect(res.headers['www-authenticate']).toBe(`${REALM}, error="invalid_token", error_description="${message}"`);
}

describe("a user's own Management token", () => {
  it('stops working while the user is blocked, and works again once unblocked', async () => {
    const user = await seedLoginUser();
    const { access_token: token } = await signIn(user.email);
    expect((await readSelf(user.user_id, token)).status).toBe(200);

    const block = await call('users-update', { params: { id: user.user_id }, body: { blocked: true }, scopes: ['update:users'] });
    expect(block.status, block.text).toBe(200);
    expectRefused(await readSelf(user.user_id, token), 'user is blocked');
    expectRefused(await patchSelf(user.user_id, token), 'user is blocked');
    const stored = await call('users-get', { params: { id: user.user_id }, scopes: ['read:users'] });
    expect(stored.body).not.toHaveProperty('user_metadata');

    await call('users-update', { params: { id: user.user_id }, body: { blocked: false }, scopes: ['update:users'] });
    expect((await patchSelf(user.user_id, token)).status).toBe(200);
  });

  it('stops working once a replayed refresh token revoked its session', async () => {
    const user = await seedLoginUser();
    const first = await signIn(user.email);
    const rotated = await login(app, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(rotated.status, rotated.text).toBe(200);
    expect((await readSelf(user.user_id, rotated.body.access_token)).status).toBe(200);

    await new Promise((r) => setTimeout(r, 5_100)); // past the double-submit grace
    expect((await login(app, { grant_type: 'refresh_token', refresh_token: first.refresh_token })).status).toBe(403);

    for (const token of [first.access_token, rotated.body.access_token as string]) {
      expectRefused(await readSelf(user.user_id, token), 'The user or the session no longer exists');
      expectRefused(await patchSelf(user.user_id, token), 'The user or the session no longer exists');
    }
  });

  it('stops working once the user is deleted (a new user cannot inherit it)', async () => {
    const user = await seedLoginUser();
    const { access_token: token } = await signIn(user.email);
    expect((await call('users-delete', { params: { id: user.user_id }, scopes: ['delete:users'] })).status).toBe(204);
    expectRefused(await readSelf(user.user_id, token), 'The user or the session no longer exists');
  });

  it("is refused when it names no session of this user (a forged or another user's sid)", async () => {
    const [me, other] = [await seedLoginUser(), await seedLoginUser()];
    await signIn(me.email);
    const { access_token: theirs } = await signIn(other.email);
    const { managementToken } = await import('#test/support/tokens');
    const sid = JSON.parse(Buffer.from(theirs.split('.')[1]!, 'base64url').toString()).sid as string;
    const borrowed = await managementToken({ sub: me.user_id, gty: '', scopes: ['read:current_user'], claims: { sid } });
    expectRefused(await readSelf(me.user_id, borrowed), 'The user or the session no longer exists');
    const sessionless = await managementToken({ sub: me.user_id, gty: '', scopes: ['read:current_user'] });
    expectRefused(await readSelf(me.user_id, sessionless), 'The user or the session no longer exists');
  });
});
