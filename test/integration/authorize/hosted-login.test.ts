import { beforeAll, describe, expect, it } from 'vitest';
import { call } from '#test/support/api';
import { Browser, hiddenFields, pkce, redirectParams, seedSpa, SPA_CALLBACK, SPA_ORIGIN } from '#test/support/browser-flow';
import { PASSWORD, seedLoginUser, claimsOf } from '#test/support/logins';

/**
 * /authorize and the hosted screens as a browser drives them (cookie jar, forms, redirects), through
 * the route table against DynamoDB Local: code + PKCE, SSO, prompt=none, web_message, logout, and
 * the refusals that must never redirect.
 */
let app: { client_id: string };
let user: Record<string, any>;

beforeAll(async () => {
  app = await seedSpa();
  user = await seedLoginUser();
});

const base = (extra: Record<string, string> = {}) => ({
  client_id: app.client_id,
  redirect_uri: SPA_CALLBACK,
  response_type: 'code',
  response_mode: 'query',
  scope: 'openid profile email offline_access',
  state: 'c3RhdGU+/=+',
  nonce: 'bm9uY2U=',
  code_challenge: pkce().challenge,
  code_challenge_method: 'S256',
  ...extra,
});

async function logIn(browser: Browser, extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkce();
  const start = await browser.authorize(base({ code_challenge: challenge, code_challenge_method: 'S256', ...extra }));
  expect(start.status).toBe(302);
  const page = await browser.screen(start.headers.location!);
  expect(page.status).toBe(200);
  const done = await browser.submit('login', page.text, { email: user.email, password: PASSWORD });
  return { done, verifier };
}

describe('GET /authorize → /u/login → the application', () => {
  it('sends a new browser to the login screen with a device cookie, then back to the callback with a code and the exact state', async () => {
    const browser = new Browser();
    const { challenge } = pkce();
    const start = await browser.authorize(base({ code_challenge: challenge, code_challenge_method: 'S256' }));
    expect(start.status).toBe(302);
    expect(start.headers.location).toMatch(/\/u\/login\?state=[A-Za-z0-9_-]{43}$/);
    expect(start.cookies[0]).toMatch(/^did=[A-Za-z0-9_-]{43}; Max-Age=31536000; Path=\/; HttpOnly; Secure; SameSite=Lax$/);

    const page = await browser.screen(start.headers.location!);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.text).toContain('name="email"');
    expect(page.text).toContain('name="password"');
    expect(Object.keys(hiddenFields(page.text)).sort()).toEqual(['_csrf', 'state']);

    const done = await browser.submit('login', page.text, { email: user.email, password: PASSWORD });
    expect(done.status).toBe(302);
    const back = redirectParams(done);
    expect(Object.keys(back).sort()).toEqual(['code', 'state']);
    expect(back.state).toBe('c3RhdGU+/=+');
    expect(done.headers.location!.startsWith(`${SPA_CALLBACK}?code=`)).toBe(true);
    const session = done.cookies.find((c) => c.startsWith('auth0='))!;
    expect(session).toMatch(/^auth0=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}; Max-Age=604800; Path=\/; HttpOnly; Secure; SameSite=None$/);
  });

  it('exchanges the code with the PKCE verifier for tokens carrying the nonce and auth_time', async () => {
    const browser = new Browser();
    const { done, verifier } = await logIn(browser);
    const { code } = redirectParams(done);
    const res = await call('oauth-token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: new URLSearchParams({ grant_type: 'authorization_code', client_id: app.client_id, code: code!, code_verifier: verifier, redirect_uri: SPA_CALLBACK }).toString(),
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String), id_token: expect.any(String), refresh_token: expect.any(String),
      scope: 'openid profile email offline_access', expires_in: 86400, token_type: 'Bearer',
    });
    const claims = claimsOf(res.body.id_token);
    expect(claims).toMatchObject({ sub: user.user_id, aud: app.client_id, nonce: 'bm9uY2U=', email: user.email });
    expect(typeof claims.auth_time).toBe('number');
  });

  it('answers a second /authorize from the SSO session without a form, and prompt=none too', async () => {
    const browser = new Browser();
    await logIn(browser);
    const again = await browser.authorize(base());
    expect(again.status).toBe(302);
    expect(Object.keys(redirectParams(again)).sort()).toEqual(['code', 'state']);
    const silent = await browser.authorize(base({ prompt: 'none' }));
    expect(silent.status).toBe(302);
    expect(Object.keys(redirectParams(silent)).sort()).toEqual(['code', 'state']);
  });

  it('shows the form again with prompt=login, and with a max_age the session is older than', async () => {
    const browser = new Browser();
    await logIn(browser);
    const forced = await browser.authorize(base({ prompt: 'login' }));
    expect(forced.headers.location).toMatch(/\/u\/login\?state=/);
    await new Promise((r) => setTimeout(r, 1100));
    const aged = await browser.authorize(base({ max_age: '0' }));
    expect(aged.headers.location).toMatch(/\/u\/login\?state=/);
  });

  it('answers prompt=none without a session with login_required and the state, never a page', async () => {
    const res = await new Browser().authorize(base({ prompt: 'none' }));
    expect(res.status).toBe(302);
    expect(redirectParams(res)).toEqual({ error: 'login_required', error_description: 'Login required', state: 'c3RhdGU+/=+' });
  });

  it("answers web_message with Auth0's page posting to the callback's origin, framed only by it", async () => {
    const res = await new Browser().authorize(base({ prompt: 'none', response_mode: 'web_message', redirect_uri: SPA_ORIGIN + '/callback' }));
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain(`frame-ancestors ${SPA_ORIGIN}`);
    expect(res.text).toContain('authorization_response');
    expect(res.text).toContain('login_required');
    expect(res.text).toContain(JSON.stringify(SPA_ORIGIN));
  });

  it('refuses web_message to an origin not in web_origins with a page, posting nothing', async () => {
    const other = await seedSpa({ callbacks: ['https://other.example.com/cb'], web_origins: [] });
    const res = await new Browser().authorize({ ...base({ prompt: 'none', response_mode: 'web_message' }), client_id: other.client_id, redirect_uri: 'https://other.example.com/cb' });
    expect(res.status).toBe(403);
    expect(res.text).not.toContain('authorization_response');
  });
});

describe('refusals', () => {
  it('shows an error page, never a redirect, for an unregistered redirect_uri or an unknown client', async () => {
    const wrong = await new Browser().authorize(base({ redirect_uri: 'https://evil.example.com/callback' }));
    expect(wrong.status).toBe(400);
    expect(wrong.headers.location).toBeUndefined();
    expect(wrong.text).toContain('Callback URL mismatch');
    const unknown = await new Browser().authorize(base({ client_id: 'nope' }));
    expect(unknown.status).toBe(400);
    expect(unknown.headers.location).toBeUndefined();
  });

  it('sends other errors back to the application with the state', async () => {
    const res = await new Browser().authorize(base({ response_type: 'code id_token banana' }));
    expect(redirectParams(res)).toEqual({ error: 'unsupported_response_type', error_description: 'Unsupported response type: code id_token banana', state: 'c3RhdGU+/=+' });
    const { code_challenge: _c, code_challenge_method: _m, ...withoutPkce } = base();
    const noPkce = await new Browser().authorize(withoutPkce);
    expect(redirectParams(noPkce).error).toBe('invalid_request');
    const plain = await new Browser().authorize(base({ code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }));
    expect(redirectParams(plain)).toMatchObject({ error: 'invalid_request', error_description: 'Unsupported code_challenge_method: plain (only S256 is supported)' });
  });

  it('shows a wrong password inline, keeping the email, and never the password', async () => {
    const browser = new Browser();
    const { challenge } = pkce();
    const start = await browser.authorize(base({ code_challenge: challenge, code_challenge_method: 'S256' }));
    const page = await browser.screen(start.headers.location!);
    const res = await browser.submit('login', page.text, { email: user.email, password: 'Wrong-Passw0rd!' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Wrong email or password.');
    expect(res.text).toContain(`value="${user.email}"`);
    expect(res.text).not.toContain('Wrong-Passw0rd!');
  });

  it('refuses a form without its CSRF token, and one posted from another browser', async () => {
    const browser = new Browser();
    const { challenge } = pkce();
    const start = await browser.authorize(base({ code_challenge: challenge, code_challenge_method: 'S256' }));
    const page = await browser.screen(start.headers.location!);
    const noCsrf = await call('login-submit', {
      params: { screen: 'login' },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: new URLSearchParams({ state: hiddenFields(page.text).state!, email: user.email, password: PASSWORD }).toString(),
      cookies: browser.cookies(),
    });
    expect(noCsrf.status).toBe(403);
    const otherBrowser = await new Browser().submit('login', page.text, { email: user.email, password: PASSWORD });
    expect(otherBrowser.status).toBe(403);
    expect(otherBrowser.headers.location).toBeUndefined();
  });
});

describe('logout', () => {
  it('ends the session and redirects to an allowed returnTo; prompt=none then needs a login', async () => {
    const browser = new Browser();
    await logIn(browser);
    const out = await call('logout', { query: { client_id: app.client_id, returnTo: `${SPA_ORIGIN}/bye` }, cookies: browser.cookies() });
    expect(out.status).toBe(302);
    expect(out.headers.location).toBe(`${SPA_ORIGIN}/bye`);
    expect(out.cookies).toEqual(['auth0=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=None']);
    const silent = await browser.authorize(base({ prompt: 'none' }));
    expect(redirectParams(silent).error).toBe('login_required');
  });

  it('refuses a returnTo in no allowed list with a page (the session still ends)', async () => {
    const res = await call('logout', { query: { client_id: app.client_id, returnTo: 'https://evil.example.com/' } });
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain('Allowed Logout URLs');
  });
});
