import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '#test/support/api';
import { Browser, pkce, redirectParams, seedSpa, SPA_CALLBACK, SPA_ORIGIN } from '#test/support/browser-flow';
import { PASSWORD, seedLoginUser } from '#test/support/logins';

/**
 * What the hosted login shares with every login: rules see Auth0's `context.protocol` for this
 * flow, brute-force protection counts the form's failures, a blocked user is refused; and the
 * tenant's logout URLs, and Lock's startup SSO probe (implicit + web_message + prompt=none).
 */
let app: { client_id: string };
let ruleId: string;

beforeAll(async () => {
  app = await seedSpa();
  const rule = await call('rules-create', {
    scopes: ['create:rules'],
    body: {
      name: 'protocol-claim',
      enabled: true,
      script: "function (user, context, callback) { context.idToken['https://example.com/protocol'] = context.protocol; callback(null, user, context); }",
    },
  });
  expect(rule.status).toBe(201);
  ruleId = rule.body.id;
});

afterAll(async () => {
  await call('rules-delete', { scopes: ['delete:rules'], params: { id: ruleId } });
});

async function formLogin(browser: Browser, email: string, password: string, extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkce();
  const start = await browser.authorize({
    client_id: app.client_id, redirect_uri: SPA_CALLBACK, response_type: 'code', scope: 'openid', state: 's',
    code_challenge: challenge, code_challenge_method: 'S256', ...extra,
  });
  const page = await browser.screen(start.headers.location!);
  return { res: await browser.submit('login', page.text, { email, password }), verifier };
}

async function exchange(code: string, verifier: string) {
  return call('oauth-token', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    rawBody: new URLSearchParams({ grant_type: 'authorization_code', client_id: app.client_id, code, code_verifier: verifier, redirect_uri: SPA_CALLBACK }).toString(),
  });
}

describe('rules in the hosted login', () => {
  it("see context.protocol 'oidc-basic-profile' for a code, and 'oidc-implicit-profile' for tokens", async () => {
    const user = await seedLoginUser();
    const browser = new Browser();
    const { res, verifier } = await formLogin(browser, user.email, PASSWORD);
    const tokens = await exchange(redirectParams(res).code!, verifier);
    expect(decodeJwt(tokens.body.id_token)['https://example.com/protocol']).toBe('oidc-basic-profile');
    const implicit = await browser.authorize({ client_id: app.client_id, redirect_uri: SPA_CALLBACK, response_type: 'id_token', nonce: 'n', state: 's' });
    expect(decodeJwt(redirectParams(implicit, 'fragment').id_token!)['https://example.com/protocol']).toBe('oidc-implicit-profile');
  });
});

describe('protection', () => {
  it('counts failures on the form as on /oauth/token: after 10, too many attempts, shown on the screen (429)', async () => {
    const user = await seedLoginUser();
    const browser = new Browser();
    for (let i = 0; i < 10; i++) {
      const { res } = await formLogin(browser, user.email, 'Wrong-Passw0rd!');
      expect(res.status, `attempt ${i + 1}`).toBe(400);
    }
    const { res } = await formLogin(browser, user.email, PASSWORD);
    expect(res.status).toBe(429);
    expect(res.text).toContain('Your account has been blocked after multiple consecutive login attempts.');
    expect(res.headers.location).toBeUndefined();
  });

  it('refuses a blocked user on the form, and ends SSO for them (back to the app: user is blocked)', async () => {
    const user = await seedLoginUser();
    const browser = new Browser();
    const { res } = await formLogin(browser, user.email, PASSWORD);
    expect(res.status).toBe(302);
    const blocked = await call('users-update', { scopes: ['update:users'], params: { id: user.user_id }, body: { blocked: true } });
    expect(blocked.status).toBe(200);
    const silent = await browser.authorize({
      client_id: app.client_id, redirect_uri: SPA_CALLBACK, response_type: 'code', prompt: 'none', state: 's',
      code_challenge: pkce().challenge, code_challenge_method: 'S256',
    });
    expect(redirectParams(silent)).toEqual({ error: 'unauthorized', error_description: 'user is blocked', state: 's' });
    const again = await formLogin(new Browser(), user.email, PASSWORD);
    expect(again.res.status).toBe(401);
    expect(again.res.text).toContain('Your account has been blocked');
  });
});

describe("Lock's startup SSO probe", () => {
  it('answers response_type=token id_token with web_message and prompt=none: tokens with a session, login_required without', async () => {
    const user = await seedLoginUser();
    const browser = new Browser();
    await formLogin(browser, user.email, PASSWORD);
    const probe = { client_id: app.client_id, redirect_uri: SPA_CALLBACK, response_type: 'token id_token', response_mode: 'web_message', prompt: 'none', scope: 'openid profile email', state: 'st', nonce: 'nn' };
    const withSession = await browser.authorize(probe);
    expect(withSession.status).toBe(200);
    const response = JSON.parse(/var authorizationResponse=(\{.*?\});/.exec(withSession.text)![1]!.replace(/\\u003c/g, '<')).response;
    expect(Object.keys(response).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'state', 'token_type']);
    expect(decodeJwt(response.id_token)).toMatchObject({ nonce: 'nn', sub: user.user_id });
    const without = await new Browser().authorize(probe);
    expect(without.text).toContain('"error":"login_required"');
  });
});

describe('logout URLs of the tenant', () => {
  it("accept a returnTo that only the tenant's allowed_logout_urls list, and one without client_id", async () => {
    const settings = await call('tenant-settings-update', { scopes: ['update:tenant_settings'], body: { allowed_logout_urls: ['https://tenant.example.com/signed-out'] } });
    expect(settings.status).toBe(200);
    const withClient = await call('logout', { query: { client_id: app.client_id, returnTo: 'https://tenant.example.com/signed-out' } });
    expect(withClient.status).toBe(302);
    expect(withClient.headers.location).toBe('https://tenant.example.com/signed-out');
    const withoutClient = await call('logout', { query: { returnTo: 'https://tenant.example.com/signed-out' } });
    expect(withoutClient.headers.location).toBe('https://tenant.example.com/signed-out');
    const appOnly = await call('logout', { query: { returnTo: `${SPA_ORIGIN}/bye` } });
    expect(appOnly.status).toBe(400);
  });
});
