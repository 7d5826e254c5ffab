import { createHash, randomBytes } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RequestRecord } from '#shared/http/handler';
import type { CallResult } from '#test/support/api';
import type { Browser as BrowserType } from '#test/support/browser-flow';

// Every answer here runs a rule in the sandbox: on a loaded machine the integration setup's 1 s
// budget can run out and turn a probe into server_error. A real budget, then the service imported again.
process.env.EXTENSIONS_BUDGET_MS = '10000';
vi.resetModules();
const { config } = await import('#shared/platform/config');
const { insertConnection } = await import('#shared/db/connections-repo');
const { call, observeRequests } = await import('#test/support/api');
const { Browser, redirectParams, seedSpa } = await import('#test/support/browser-flow');
const { PASSWORD, seedLoginUser } = await import('#test/support/logins');
const { CONNECTION } = await import('#test/support/users');
type Browser = BrowserType;

/**
 * Lock's startup SSO probe, shaped exactly as auth0.js 9.32 sends it (authentication/index.js
 * getSSOData -> web-auth/index.js checkSession -> web-message-handler.js): a hidden iframe on
 * /authorize with response_type=token id_token, scope=openid profile email, response_mode=
 * web_message, prompt=none, a random state and nonce, redirect_uri = the page's origin and path
 * (Lock's default), auth0Client, and `connection` once a login remembered it. It must answer at
 * once: auth0.js gives up after 5 s. The answer page is run here as the browser runs it (node:vm,
 * a stub parent window), and checked as auth0.js checks it: the message type and state, then the
 * ID token (RS256 against our JWKS, iss, aud, nonce, at_hash). Then /userinfo with the access token
 * of that implicit login carries the claim a rule added to the ID token.
 */
const LOCK_ORIGIN = 'https://shop.example.com';
const LOCK_PAGE = `${LOCK_ORIGIN}/account/login`;
const CLAIM = 'https://shop.example.com/favorite_color';
// auth0.js's request-builder telemetry: base64 of JSON.
const AUTH0_CLIENT = Buffer.from(JSON.stringify({ name: 'lock.js', version: '14.3.0', env: { 'auth0.js': '9.32.0' } })).toString('base64');
const OTHER_CONNECTION = 'lock-probe-other-db';
let app: { client_id: string };
let ruleId: string;

beforeAll(async () => {
  app = await seedSpa({ callbacks: [LOCK_PAGE], web_origins: [LOCK_ORIGIN], allowed_origins: [LOCK_ORIGIN], allowed_logout_urls: [LOCK_ORIGIN] });
  await insertConnection({
    id: 'con_lock_probe_other', name: OTHER_CONNECTION, strategy: 'auth0', options: {}, enabled_clients: [app.client_id], realms: [OTHER_CONNECTION], is_domain_connection: false,
  });
  const rule = await call('rules-create', {
    scopes: ['create:rules'],
    body: {
      name: 'lock-probe-favorite-color',
      enabled: true,
      script: `function (user, context, callback) {
        context.idToken['${CLAIM}'] = (user.user_metadata || {}).favorite_color || 'none';
        callback(null, user, context);
      }`,
    },
  });
  expect(rule.status, rule.text).toBe(201);
  ruleId = rule.body.id;
});

afterAll(async () => {
  await call('rules-delete', { scopes: ['delete:rules'], params: { id: ruleId } });
});

/** auth0.js's random strings: 32 characters of `0-9A-Za-z-._~` (helper/random.js). */
function randomString(): string {
  const charset = '0123456789ABCDEFGHIJKLMNOPQRSTUVXYZabcdefghijklmnopqrstuvwxyz-._~';
  return [...randomBytes(32)].map((b) => charset[b % charset.length]).join('');
}

function probeQuery(extra: Record<string, string> = {}) {
  return {
    client_id: app.client_id,
    response_type: 'token id_token',
    redirect_uri: LOCK_PAGE,
    scope: 'openid profile email',
    state: randomString(),
    nonce: randomString(),
    response_mode: 'web_message',
    prompt: 'none',
    auth0Client: AUTH0_CLIENT,
    ...extra,
  };
}

/** Runs the answer page's scripts as the framed page would, and answers what it posted, to where. */
function postedMessages(page: CallResult): { message: any; targetOrigin: string }[] {
  const posted: { message: any; targetOrigin: string }[] = [];
  const parent = { postMessage: (message: unknown, targetOrigin: string) => posted.push({ message: JSON.parse(JSON.stringify(message)), targetOrigin }) };
  for (const [, script] of page.text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)) {
    runInNewContext(script!, { window: { opener: null, parent } }, { timeout: 1000 });
  }
  return posted;
}

/** What auth0.js's web message handler accepts: one `authorization_response` with its state. */
function lockReceives(page: CallResult, state: string): Record<string, string> {
  expect(page.status).toBe(200);
  expect(page.headers['content-type']).toMatch(/^text\/html/);
  expect(page.headers['content-security-policy']).toContain(`frame-ancestors ${LOCK_ORIGIN}`);
  const posted = postedMessages(page);
  expect(posted).toHaveLength(1);
  expect(posted[0]!.targetOrigin).toBe(LOCK_ORIGIN);
  expect(posted[0]!.message.type).toBe('authorization_response');
  expect(posted[0]!.message.response.state).toBe(state);
  return posted[0]!.message.response;
}

/**
 * A hosted-page login answered in the fragment: `token` is Lock 14's default without a
 * redirectUrl (core/index.js extractAuthOptions), `token id_token` what apps often ask for.
 */
async function implicitLogin(browser: Browser, email: string, responseType: 'token' | 'token id_token' = 'token id_token') {
  const state = randomString();
  const nonce = randomString();
  const start = await browser.authorize({
    client_id: app.client_id, response_type: responseType, redirect_uri: LOCK_PAGE, scope: 'openid profile email', state, nonce, auth0Client: AUTH0_CLIENT,
  });
  expect(start.status).toBe(302);
  const page = await browser.screen(start.headers.location!);
  const done = await browser.submit('login', page.text, { email, password: PASSWORD });
  expect(done.status, done.text).toBe(302);
  const answer = redirectParams(done, 'fragment');
  expect(answer.state).toBe(state);
  return { answer, nonce };
}

/** auth0.js's ID token checks (idtoken-verifier): RS256 with a JWKS key, iss, aud, nonce, at_hash. */
async function verifyAsAuth0js(answer: Record<string, string>, nonce: string, clientId = app.client_id) {
  const jwks = await call('jwks');
  const { payload, protectedHeader } = await jwtVerify(answer.id_token!, createLocalJWKSet(jwks.body as JSONWebKeySet), {
    issuer: config.ISSUER,
    audience: clientId,
    algorithms: ['RS256'],
  });
  expect(protectedHeader.kid).toBeTypeOf('string');
  expect(payload.nonce).toBe(nonce);
  const digest = createHash('sha256').update(answer.access_token!).digest();
  expect(payload.at_hash).toBe(digest.subarray(0, 16).toString('base64url'));
  expect(typeof payload.iat).toBe('number');
  expect(typeof payload.exp).toBe('number');
  return payload;
}

/**
 * A probe answered from a session: the user's partition (session and profile, one Query), the
 * rules and actions (a Query here, where the integration setup sets EXTENSIONS_CACHE_MS=0; a warm
 * Lambda keeps them), the login count (UpdateItem) and the implicit login's session for /userinfo
 * (PutItem).
 */
const EXPECTED_PROBE_COMMANDS = ['Query', 'Query', 'UpdateItem', 'PutItem'];

const userinfo = (accessToken: string) => call('userinfo', { headers: { authorization: `Bearer ${accessToken}` } });

describe("Lock's SSO probe without a session", () => {
  it('answers login_required with the state at once, in a page that posts it to the page origin only', async () => {
    const query = probeQuery();
    const started = Date.now();
    const page = await new Browser().authorize(query);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(page.headers.location).toBeUndefined();
    expect(lockReceives(page, query.state)).toEqual({ error: 'login_required', error_description: 'Login required', state: query.state });
  });

  it('reads nothing but the (cached) application to answer it', async () => {
    await new Browser().authorize(probeQuery()); // warm the client and connection caches
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    const page = await new Browser().authorize(probeQuery());
    stop();
    expect(page.status).toBe(200);
    expect(seen.map((r) => r.db.commands)).toEqual([[]]);
  });

  it('answers login_required for a forged session cookie', async () => {
    const forged = await call('authorize', { query: probeQuery(), cookies: ['auth0=forged.value', 'auth0_compat=forged.value'] });
    expect(postedMessages(forged)[0]!.message.response.error).toBe('login_required');
  });

  it('escapes a hostile state in the page, and still posts it back byte for byte', async () => {
    const hostile = `</script><script>parent.postMessage('x','*')</script>\u2028\u2029<!--"'&`;
    const query = probeQuery({ state: hostile });
    const page = await new Browser().authorize(query);
    expect(page.text).not.toContain('</script><script>');
    expect(lockReceives(page, hostile).error).toBe('login_required');
  });

  it('refuses an origin the application does not list in web_origins with a page that posts nothing', async () => {
    const other = await seedSpa({ callbacks: [LOCK_PAGE], web_origins: ['https://elsewhere.example.com'] });
    const page = await new Browser().authorize(probeQuery({ client_id: other.client_id }));
    expect(page.status).toBe(403);
    expect(postedMessages(page)).toEqual([]);
  });

  it('answers a page that is not a registered callback with an error page that posts nothing (Lock waits its 5 s: register the page)', async () => {
    const page = await new Browser().authorize(probeQuery({ redirect_uri: `${LOCK_ORIGIN}/not/registered` }));
    expect(page.status).toBe(400);
    expect(postedMessages(page)).toEqual([]);
  });

  it('answers a probe without a nonce with invalid_request and the state (auth0.js always sends one)', async () => {
    const { nonce: _nonce, ...query } = probeQuery();
    const page = await new Browser().authorize(query);
    expect(lockReceives(page, query.state)).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter: nonce', state: query.state });
  });
});

describe("Lock's SSO probe with a session", () => {
  it("answers the session's tokens at once, as auth0.js validates them", async () => {
    const user = await seedLoginUser({ user_metadata: { favorite_color: 'teal' } });
    const browser = new Browser();
    await implicitLogin(browser, user.email);
    const query = probeQuery();
    const started = Date.now();
    const page = await browser.authorize(query);
    // auth0.js gives up after 5 s; this answer runs the tenant's rules, so it gets a margin under load.
    expect(Date.now() - started).toBeLessThan(4000);
    const response = lockReceives(page, query.state);
    expect(Object.keys(response).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'state', 'token_type']);
    expect(response.token_type).toBe('Bearer');
    expect(response.expires_in).toMatch(/^[1-9][0-9]*$/);
    expect(response.scope).toBe('openid profile email');
    const payload = await verifyAsAuth0js(response, query.nonce);
    // getSSOData's answer: lastUsedUserID = sub, lastUsedUsername = email || name.
    expect(payload).toMatchObject({ sub: user.user_id, email: user.email, [CLAIM]: 'teal' });
  });

  it('answers with the connection auth0.js remembers, login_required for another one, invalid_request for an unknown one', async () => {
    const user = await seedLoginUser();
    const browser = new Browser();
    await implicitLogin(browser, user.email);
    const same = probeQuery({ connection: CONNECTION });
    expect(lockReceives(await browser.authorize(same), same.state).id_token).toBeTypeOf('string');
    const other = probeQuery({ connection: OTHER_CONNECTION });
    expect(lockReceives(await browser.authorize(other), other.state)).toEqual({ error: 'login_required', error_description: 'Login required', state: other.state });
    const unknown = probeQuery({ connection: 'no-such-connection' });
    expect(lockReceives(await browser.authorize(unknown), unknown.state).error).toBe('invalid_request');
  });

  it('answers a probe without connection from a session of any connection the application may use, as Auth0 does', async () => {
    const user = await seedLoginUser({ connection: OTHER_CONNECTION });
    const browser = new Browser();
    const start = await browser.authorize({
      client_id: app.client_id, response_type: 'token', redirect_uri: LOCK_PAGE, scope: 'openid', state: 's', connection: OTHER_CONNECTION,
    });
    const page = await browser.screen(start.headers.location!);
    expect((await browser.submit('login', page.text, { email: user.email, password: PASSWORD })).status).toBe(302);
    const plain = probeQuery();
    expect(lockReceives(await browser.authorize(plain), plain.state).access_token).toBeTypeOf('string');
    const named = probeQuery({ connection: OTHER_CONNECTION });
    expect(lockReceives(await browser.authorize(named), named.state).access_token).toBeTypeOf('string');
  });

  it('answers a probe without connection from the session even when the application is off the default connection', async () => {
    const only = await seedSpa({ callbacks: [LOCK_PAGE], web_origins: [LOCK_ORIGIN], allowed_origins: [LOCK_ORIGIN] });
    const onlyConnection = 'lock-probe-only-db';
    await insertConnection({
      id: 'con_lock_probe_only', name: onlyConnection, strategy: 'auth0', options: {}, enabled_clients: [only.client_id], realms: [onlyConnection], is_domain_connection: false,
    });
    const defaultId = ((await call('connections-list', { scopes: ['read:connections'], query: { name: CONNECTION } })).body as { id: string }[])[0]!.id;
    const off = await call('connections-clients-update', { scopes: ['update:connections'], params: { id: defaultId }, body: [{ client_id: only.client_id, status: false }] });
    expect(off.status, off.text).toBeLessThan(300);
    const browser = new Browser();
    // No session yet: the default connection applies, and this application may not use it.
    const before = probeQuery({ client_id: only.client_id });
    expect(lockReceives(await browser.authorize(before), before.state)).toMatchObject({ error: 'invalid_request', error_description: 'the connection was disabled' });
    const user = await seedLoginUser({ connection: onlyConnection });
    const start = await browser.authorize({
      client_id: only.client_id, response_type: 'token', redirect_uri: LOCK_PAGE, scope: 'openid', state: 's', connection: onlyConnection,
    });
    const page = await browser.screen(start.headers.location!);
    expect((await browser.submit('login', page.text, { email: user.email, password: PASSWORD })).status).toBe(302);
    const probe = probeQuery({ client_id: only.client_id });
    expect(lockReceives(await browser.authorize(probe), probe.state).access_token).toBeTypeOf('string');
  });

  it('costs the SSO read, the login count and the implicit session', async () => {
    const user = await seedLoginUser();
    const browser = new Browser();
    await implicitLogin(browser, user.email);
    await browser.authorize(probeQuery()); // warm the rules cache
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    const query = probeQuery();
    const page = await browser.authorize(query);
    stop();
    expect(lockReceives(page, query.state).access_token).toBeTypeOf('string');
    expect(seen.map((r) => r.db.commands)).toEqual([EXPECTED_PROBE_COMMANDS]);
  });
});

describe('/userinfo after an implicit login (token id_token)', () => {
  it('carries the claim a rule added, for the hosted login and for the probe', async () => {
    const user = await seedLoginUser({ user_metadata: { favorite_color: 'ochre' } });
    const browser = new Browser();
    const { answer, nonce } = await implicitLogin(browser, user.email);
    await verifyAsAuth0js(answer, nonce);
    const first = await userinfo(answer.access_token!);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ sub: user.user_id, email: user.email, [CLAIM]: 'ochre' });

    const query = probeQuery();
    const probed = lockReceives(await browser.authorize(query), query.state);
    const second = await userinfo(probed.access_token!);
    expect(second.status, second.text).toBe(200);
    expect(second.body).toMatchObject({ sub: user.user_id, [CLAIM]: 'ochre' });
  });

  it("carries it after Lock's default login, response_type=token (an access token and no ID token)", async () => {
    const user = await seedLoginUser({ user_metadata: { favorite_color: 'umber' } });
    const { answer } = await implicitLogin(new Browser(), user.email, 'token');
    expect(Object.keys(answer).sort()).toEqual(['access_token', 'expires_in', 'scope', 'state', 'token_type']);
    const info = await userinfo(answer.access_token!);
    expect(info.status, info.text).toBe(200);
    expect(info.body).toMatchObject({ sub: user.user_id, email: user.email, email_verified: expect.any(Boolean), [CLAIM]: 'umber' });
  });

  it('carries a claim a post-login Action set (api.idToken.setCustomClaim) beside the rule\'s', async () => {
    const ACTIONS = ['create:actions', 'read:actions', 'update:actions', 'delete:actions'];
    const action = await call('actions-create', {
      scopes: ACTIONS,
      body: {
        name: `lock-plan-claim-${Date.now()}`,
        supported_triggers: [{ id: 'post-login', version: 'v3' }],
        code: "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('https://shop.example.com/plan', event.user.user_metadata.plan || 'free'); };",
        deploy: true,
      },
    });
    expect(action.status, action.text).toBe(201);
    const bind = (ids: string[]) =>
      call('actions-bindings-update', { scopes: ACTIONS, params: { triggerId: 'post-login' }, body: { bindings: ids.map((value) => ({ ref: { type: 'action_id', value } })) } });
    expect((await bind([action.body.id])).status).toBe(200);
    try {
      const user = await seedLoginUser({ user_metadata: { favorite_color: 'mint', plan: 'gold' } });
      const { answer } = await implicitLogin(new Browser(), user.email, 'token');
      expect((await userinfo(answer.access_token!)).body).toMatchObject({ sub: user.user_id, [CLAIM]: 'mint', 'https://shop.example.com/plan': 'gold' });
    } finally {
      await bind([]);
    }
  });

  it("shows the claim as the rule sets it at that login: a later metadata change shows at the next login", async () => {
    const user = await seedLoginUser({ user_metadata: { favorite_color: 'red' } });
    const browser = new Browser();
    const { answer } = await implicitLogin(browser, user.email);
    const patched = await call('users-update', { scopes: ['update:users'], params: { id: user.user_id }, body: { user_metadata: { favorite_color: 'blue' } } });
    expect(patched.status).toBe(200);
    expect((await userinfo(answer.access_token!)).body[CLAIM]).toBe('red');
    const query = probeQuery();
    const probed = lockReceives(await browser.authorize(query), query.state);
    expect((await userinfo(probed.access_token!)).body[CLAIM]).toBe('blue');
  });

  it('answers the probe with login_required after a logout', async () => {
    const user = await seedLoginUser();
    const browser = new Browser();
    await implicitLogin(browser, user.email);
    const out = await call('logout', { query: { client_id: app.client_id, returnTo: LOCK_ORIGIN }, cookies: browser.cookies() });
    browser.keep(out);
    const query = probeQuery();
    expect(lockReceives(await browser.authorize(query), query.state).error).toBe('login_required');
  });
});

describe('/userinfo after a cross-origin login (Lock: /co/authenticate, then /authorize with the login_ticket)', () => {
  const REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
  let coApp: { client_id: string };

  beforeAll(async () => {
    coApp = await seedSpa({ callbacks: [LOCK_PAGE], web_origins: [LOCK_ORIGIN], allowed_origins: [LOCK_ORIGIN], cross_origin_authentication: true });
  });

  async function coLogin(browser: Browser, email: string, responseType: 'token' | 'token id_token') {
    const co = browser.keep(
      await call('co-authenticate', {
        rawBody: JSON.stringify({ client_id: coApp.client_id, username: email, password: PASSWORD, realm: CONNECTION, credential_type: REALM_GRANT }),
        headers: { 'content-type': 'application/json', origin: LOCK_ORIGIN, 'auth0-client': AUTH0_CLIENT },
      }),
    );
    expect(co.status, co.text).toBe(200);
    const state = randomString();
    const nonce = randomString();
    const res = await browser.authorize({
      client_id: coApp.client_id, response_type: responseType, redirect_uri: LOCK_PAGE, scope: 'openid profile email', state, nonce,
      realm: CONNECTION, login_ticket: co.body.login_ticket, auth0Client: AUTH0_CLIENT,
    });
    expect(res.status, res.text).toBe(302);
    const answer = redirectParams(res, 'fragment');
    expect(answer.state).toBe(state);
    return { answer, nonce };
  }

  it("carries the rule's claim for Lock's default (token) and for token id_token, and the probe then finds the session", async () => {
    const user = await seedLoginUser({ user_metadata: { favorite_color: 'jade' } });
    const browser = new Browser();
    const plain = await coLogin(browser, user.email, 'token');
    expect(plain.answer.id_token).toBeUndefined();
    expect((await userinfo(plain.answer.access_token!)).body).toMatchObject({ sub: user.user_id, email: user.email, [CLAIM]: 'jade' });

    const both = await coLogin(browser, user.email, 'token id_token');
    expect(await verifyAsAuth0js(both.answer, both.nonce, coApp.client_id)).toMatchObject({ sub: user.user_id, [CLAIM]: 'jade' });
    expect((await userinfo(both.answer.access_token!)).body).toMatchObject({ sub: user.user_id, [CLAIM]: 'jade' });

    const query = probeQuery({ client_id: coApp.client_id, connection: CONNECTION });
    const probed = lockReceives(await browser.authorize(query), query.state);
    expect(await verifyAsAuth0js(probed, query.nonce, coApp.client_id)).toMatchObject({ sub: user.user_id, [CLAIM]: 'jade' });
  });
});
