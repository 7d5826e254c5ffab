import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { call } from '#test/support/api';
import { Browser, pkce, redirectParams, seedSpa, SPA_CALLBACK } from '#test/support/browser-flow';
import { PASSWORD, seedLoginUser } from '#test/support/logins';

/**
 * Review of issue 11: the SSO session's idle timeout is moved on by use, whatever the tenant's
 * idle_session_lifetime (a short one too: an hour is a common setting).
 */
let app: { client_id: string };
let user: Record<string, any>;

beforeAll(async () => {
  app = await seedSpa();
  user = await seedLoginUser();
  const res = await call('tenant-settings-update', { body: { idle_session_lifetime: 1, session_lifetime: 24 }, scopes: ['update:tenant_settings'] });
  expect(res.status).toBe(200);
});

afterEach(() => {
  vi.useRealTimers();
});

const silent = () => ({
  client_id: app.client_id, redirect_uri: SPA_CALLBACK, response_type: 'code', scope: 'openid', state: 'st', prompt: 'none',
  code_challenge: pkce().challenge, code_challenge_method: 'S256',
});

describe('SSO idle timeout (idle_session_lifetime: 1 hour)', () => {
  it('keeps a session used every 40 minutes alive past the first hour, and ends it after an hour unused', async () => {
    const browser = new Browser();
    const start = await browser.authorize({ ...silent(), prompt: '' });
    const page = await browser.screen(start.headers.location!);
    expect((await browser.submit('login', page.text, { email: user.email, password: PASSWORD })).status).toBe(302);
    const loggedInAt = Date.now();

    vi.useFakeTimers({ toFake: ['Date'], now: loggedInAt + 40 * 60_000 });
    expect(Object.keys(redirectParams(await browser.authorize(silent())))).toEqual(['code', 'state']);
    vi.setSystemTime(loggedInAt + 80 * 60_000); // 40 minutes after the last use
    expect(Object.keys(redirectParams(await browser.authorize(silent())))).toEqual(['code', 'state']);
    vi.setSystemTime(loggedInAt + 150 * 60_000); // 70 minutes unused
    expect(redirectParams(await browser.authorize(silent()))).toEqual({ error: 'login_required', error_description: 'Login required', state: 'st' });
  });
});
