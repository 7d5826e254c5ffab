import { decodeJwt } from 'jose';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { call } from '#test/support/api';
import { Browser, hiddenFields, pkce, redirectParams, seedSpa, SPA_CALLBACK, SPA_ORIGIN } from '#test/support/browser-flow';
import { PASSWORD, seedLoginUser } from '#test/support/logins';

/**
 * The other answer modes (implicit tokens in the fragment, form_post), OIDC logout, and hostile
 * input to every browser route: oversized, malformed, injected, another origin, another browser.
 */
let app: { client_id: string };
let user: Record<string, any>;

beforeAll(async () => {
  app = await seedSpa();
  user = await seedLoginUser();
});

const codeRequest = (extra: Record<string, string> = {}) => ({
  client_id: app.client_id, redirect_uri: SPA_CALLBACK, response_type: 'code', scope: 'openid profile email', state: 'xyz',
  code_challenge: pkce().challenge, code_challenge_method: 'S256', ...extra,
});

async function loggedIn(): Promise<Browser> {
  const browser = new Browser();
  const start = await browser.authorize(codeRequest());
  const page = await browser.screen(start.headers.location!);
  const done = await browser.submit('login', page.text, { email: user.email, password: PASSWORD });
  expect(done.status).toBe(302);
  return browser;
}

describe('answer modes', () => {
  it("answers response_type 'id_token token' in the fragment, with nonce and at_hash in the ID token", async () => {
    const browser = await loggedIn();
    const res = await browser.authorize({ client_id: app.client_id, redirect_uri: SPA_CALLBACK, response_type: 'token id_token', scope: 'openid email', state: 's1', nonce: 'n-0S6_WzA2Mj' });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.location!).search).toBe('');
    const answer = redirectParams(res, 'fragment');
    expect(Object.keys(answer).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'state', 'token_type']);
    expect(answer).toMatchObject({ token_type: 'Bearer', expires_in: '86400', state: 's1', scope: 'openid email' });
    const claims = decodeJwt(answer.id_token!);
    expect(claims).toMatchObject({ nonce: 'n-0S6_WzA2Mj', aud: app.client_id, sub: user.user_id });
    const expected = createHash('sha256').update(answer.access_token!).digest().subarray(0, 16).toString('base64url');
    expect(claims.at_hash).toBe(expected);
    const profile = await call('userinfo', { headers: { authorization: `Bearer ${answer.access_token}` } });
    expect(profile.status).toBe(200);
    expect(profile.body.sub).toBe(user.user_id);
  });

  it('requires a nonce for ID tokens, and the implicit grant on the application', async () => {
    const noNonce = await new Browser().authorize({ client_id: app.client_id, redirect_uri: SPA_CALLBACK, response_type: 'id_token', state: 's' });
    expect(redirectParams(noNonce, 'fragment')).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter: nonce', state: 's' });
    const codeOnly = await seedSpa({ grant_types: ['authorization_code'] });
    const refused = await new Browser().authorize({ client_id: codeOnly.client_id, redirect_uri: SPA_CALLBACK, response_type: 'token', nonce: 'n', state: 's' });
    expect(redirectParams(refused, 'fragment')).toEqual({ error: 'unauthorized_client', error_description: "Grant type 'implicit' not allowed for the client.", state: 's' });
  });

  it('answers form_post with a page that posts the code to the redirect URI', async () => {
    const browser = await loggedIn();
    const res = await browser.authorize(codeRequest({ response_mode: 'form_post' }));
    expect(res.status).toBe(200);
    expect(res.text).toContain(`action="${SPA_CALLBACK}"`);
    expect(Object.keys(hiddenFields(res.text)).sort()).toEqual(['code', 'state']);
    expect(res.headers['content-security-policy']).not.toContain('form-action');
  });
});

describe('GET /oidc/logout', () => {
  async function idToken(browser: Browser): Promise<string> {
    const res = await browser.authorize({ client_id: app.client_id, redirect_uri: SPA_CALLBACK, response_type: 'id_token', scope: 'openid', nonce: 'n' });
    return redirectParams(res, 'fragment').id_token!;
  }

  it('ends the session and returns to post_logout_redirect_uri with the state, given a genuine id_token_hint', async () => {
    const browser = await loggedIn();
    const hint = await idToken(browser);
    const res = await call('oidc-logout', {
      query: { id_token_hint: hint, post_logout_redirect_uri: `${SPA_ORIGIN}/bye`, state: 'a b' },
      cookies: browser.cookies(),
    });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${SPA_ORIGIN}/bye?state=a+b`);
    expect(res.cookies[0]).toMatch(/^auth0=; Max-Age=0/);
    browser.keep(res);
    const silent = await browser.authorize(codeRequest({ prompt: 'none' }));
    expect(redirectParams(silent).error).toBe('login_required');
  });

  it('refuses a forged hint, a hint for another application, and an unlisted redirect, with a page', async () => {
    const browser = await loggedIn();
    const hint = await idToken(browser);
    const [head, body] = hint.split('.');
    const forged = await call('oidc-logout', { query: { id_token_hint: `${head}.${body}.AAAA`, post_logout_redirect_uri: `${SPA_ORIGIN}/bye` } });
    expect(forged.status).toBe(400);
    expect(forged.headers.location).toBeUndefined();
    const other = await seedSpa();
    const mismatch = await call('oidc-logout', { query: { id_token_hint: hint, client_id: other.client_id, post_logout_redirect_uri: `${SPA_ORIGIN}/bye` } });
    expect(mismatch.status).toBe(400);
    const unlisted = await call('oidc-logout', { query: { id_token_hint: hint, post_logout_redirect_uri: 'https://evil.example.com/' } });
    expect(unlisted.status).toBe(400);
    expect(unlisted.headers.location).toBeUndefined();
    const nothing = await call('oidc-logout', {});
    expect(nothing.status).toBe(200);
    expect(nothing.text).toContain('logged out');
  });
});

describe('hostile input', () => {
  it('never redirects to a javascript: or oversized redirect_uri, nor for a huge client_id', async () => {
    for (const redirect_uri of ['javascript:alert(1)', `${SPA_CALLBACK}?${'a'.repeat(5000)}`, `${SPA_CALLBACK}\r\nSet-Cookie: x=1`]) {
      const res = await new Browser().authorize(codeRequest({ redirect_uri }));
      expect(res.status, redirect_uri.slice(0, 30)).toBe(400);
      expect(res.headers.location).toBeUndefined();
    }
    const huge = await new Browser().authorize(codeRequest({ client_id: 'c'.repeat(100_000) }));
    expect(huge.status).toBe(400);
    expect(huge.text).toContain('Unknown application');
  });

  it('refuses an oversized state without echoing it, and escapes a hostile one in a web_message page', async () => {
    const big = await new Browser().authorize(codeRequest({ state: 's'.repeat(5000) }));
    expect(redirectParams(big)).toEqual({ error: 'invalid_request', error_description: 'state must be at most 2048 characters' });
    const hostile = '</script><script>alert(1)</script>\u2028';
    const page = await new Browser().authorize(codeRequest({ prompt: 'none', response_mode: 'web_message', state: hostile }));
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('</script><script>alert(1)');
    expect(page.text).not.toContain('\u2028');
  });

  it('refuses unknown prompts, a malformed max_age, a bad response_mode and a malformed challenge', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ prompt: 'none login' }, 'prompt=none must not be combined with other values'],
      [{ prompt: 'maybe' }, 'Unsupported prompt: maybe'],
      [{ max_age: '-1' }, 'max_age must be a non-negative integer (seconds)'],
      [{ code_challenge: 'short' }, 'code_challenge must be the base64url SHA-256 of the verifier (43 characters)'],
    ];
    for (const [extra, description] of cases) {
      const res = await new Browser().authorize(codeRequest(extra));
      expect(redirectParams(res), description).toEqual({ error: 'invalid_request', error_description: description, state: 'xyz' });
    }
    const mode = await new Browser().authorize(codeRequest({ response_mode: 'jsonp' }));
    expect(redirectParams(mode)).toEqual({ error: 'invalid_request', error_description: 'Unsupported response_mode: jsonp', state: 'xyz' });
  });

  it('answers an unknown screen, a missing or forged state, a non-form body and an oversized form with pages', async () => {
    expect((await call('login-screen', { params: { screen: 'admin' }, query: { state: 'x' } })).status).toBe(404);
    expect((await call('login-screen', { params: { screen: 'login' } })).status).toBe(400);
    expect((await call('login-screen', { params: { screen: 'login' }, query: { state: 'A'.repeat(43) } })).status).toBe(400);
    const json = await call('login-submit', { params: { screen: 'login' }, body: { email: 'a@b.c' } });
    expect(json.status).toBe(415);
    expect(json.headers['content-type']).toBe('text/html; charset=utf-8');
    const many = new URLSearchParams(Array.from({ length: 60 }, (_, i): [string, string] => [`f${i}`, 'v'])).toString();
    const tooMany = await call('login-submit', { params: { screen: 'login' }, headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawBody: many });
    expect(tooMany.status).toBe(400);
  });

  it('refuses a form posted from another origin, even with the right cookies and token', async () => {
    const browser = new Browser();
    const start = await browser.authorize(codeRequest());
    const page = await browser.screen(start.headers.location!);
    const res = await call('login-submit', {
      params: { screen: 'login' },
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example.com' },
      rawBody: new URLSearchParams({ ...hiddenFields(page.text), email: user.email, password: PASSWORD }).toString(),
      cookies: browser.cookies(),
    });
    expect(res.status).toBe(403);
    expect(res.headers.location).toBeUndefined();
  });

  it('ignores a forged or malformed session cookie (prompt=none stays login_required)', async () => {
    for (const cookie of ['auth0=not-a-session', `auth0=${Buffer.from(user.user_id).toString('base64url')}.${'A'.repeat(43)}`, 'auth0=' + 'x'.repeat(5000)]) {
      const res = await call('authorize', { query: codeRequest({ prompt: 'none' }), cookies: [cookie] });
      expect(redirectParams(res).error, cookie.slice(0, 20)).toBe('login_required');
    }
  });

  it('refuses a logout returnTo that is javascript: or oversized, with a page', async () => {
    for (const returnTo of ['javascript:alert(1)', `${SPA_ORIGIN}/bye?${'a'.repeat(5000)}`]) {
      const res = await call('logout', { query: { client_id: app.client_id, returnTo } });
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    }
  });

  it('answers the /userinfo preflight for an application origin only', async () => {
    const ok = await call('userinfo-preflight', { headers: { origin: SPA_ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    const evil = await call('userinfo-preflight', { headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' } });
    expect(evil.status).toBe(204);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });
});
