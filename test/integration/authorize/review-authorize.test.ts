import { beforeAll, describe, expect, it } from 'vitest';
import { call } from '#test/support/api';
import { Browser, pkce, redirectParams, seedSpa, SPA_CALLBACK } from '#test/support/browser-flow';
import { PASSWORD, seedLoginUser, claimsOf } from '#test/support/logins';

/**
 * Review of issue 11's /authorize: bugs found by a hostile review, each pinned by a test through
 * the route table.
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
  expect((await browser.submit('login', page.text, { email: user.email, password: PASSWORD })).status).toBe(302);
  return browser;
}

describe('GET /authorize (review)', () => {
  it('answers a response_type named like an Object.prototype member with unsupported_response_type, not a 500', async () => {
    for (const responseType of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const res = await new Browser().authorize(codeRequest({ response_type: responseType }));
      expect(res.status, responseType).toBe(302);
      expect(redirectParams(res), responseType).toEqual({
        error: 'unsupported_response_type',
        error_description: `Unsupported response type: ${responseType}`,
        state: 'xyz',
      });
    }
  });

  it("answers response_type 'token' with an access token and no ID token (Auth0's and OIDC's implicit grant)", async () => {
    const browser = await loggedIn();
    const withOpenid = await browser.authorize({ client_id: app.client_id, redirect_uri: SPA_CALLBACK, response_type: 'token', scope: 'openid profile', state: 'a+b/c=' });
    expect(withOpenid.status).toBe(302);
    const answer = redirectParams(withOpenid, 'fragment');
    expect(Object.keys(answer).sort()).toEqual(['access_token', 'expires_in', 'scope', 'state', 'token_type']);
    expect(answer.state).toBe('a+b/c=');
    expect(answer.scope).toBe('openid profile');

    const withoutOpenid = redirectParams(await browser.authorize({ client_id: app.client_id, redirect_uri: SPA_CALLBACK, response_type: 'token', scope: 'profile', state: 's' }), 'fragment');
    expect(withoutOpenid.id_token).toBeUndefined();
    expect(withoutOpenid.scope).toBe('profile');
    expect(claimsOf(withoutOpenid.access_token!).scope).toBe('profile');
  });

  it('exchanges a code whose /authorize had no redirect_uri without one at the token endpoint (RFC 6749 4.1.3, Auth0)', async () => {
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    const request: Record<string, string> = codeRequest({ code_challenge: challenge });
    delete request.redirect_uri;
    const start = await browser.authorize(request);
    const page = await browser.screen(start.headers.location!);
    const done = await browser.submit('login', page.text, { email: user.email, password: PASSWORD });
    expect(done.headers.location!.startsWith(`${SPA_CALLBACK}?`)).toBe(true);
    const res = await call('oauth-token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: new URLSearchParams({ grant_type: 'authorization_code', client_id: app.client_id, code: redirectParams(done).code!, code_verifier: verifier }).toString(),
    });
    expect(res.status).toBe(200);
    expect(res.body.id_token).toEqual(expect.any(String));
  });

  it('still binds a code to the redirect_uri its /authorize named', async () => {
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    const start = await browser.authorize(codeRequest({ code_challenge: challenge }));
    const page = await browser.screen(start.headers.location!);
    const done = await browser.submit('login', page.text, { email: user.email, password: PASSWORD });
    const res = await call('oauth-token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: new URLSearchParams({ grant_type: 'authorization_code', client_id: app.client_id, code: redirectParams(done).code!, code_verifier: verifier }).toString(),
    });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('ends the SSO session the browser held when it logs in again (prompt=login): the old cookie no longer works', async () => {
    const browser = await loggedIn();
    const old = browser.jar.get('auth0')!;
    const start = await browser.authorize(codeRequest({ prompt: 'login' }));
    const page = await browser.screen(start.headers.location!);
    expect((await browser.submit('login', page.text, { email: user.email, password: PASSWORD })).status).toBe(302);
    expect(browser.jar.get('auth0')).not.toBe(old);
    const replayed = await call('authorize', { query: codeRequest({ prompt: 'none' }), cookies: [`auth0=${old}`] });
    expect(redirectParams(replayed)).toEqual({ error: 'login_required', error_description: 'Login required', state: 'xyz' });
    expect(Object.keys(redirectParams(await browser.authorize(codeRequest({ prompt: 'none' }))))).toEqual(['code', 'state']);
  });
});

