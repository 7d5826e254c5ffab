import { runInNewContext } from 'node:vm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RequestRecord } from '#shared/http/handler';
import type { CallResult } from '#test/support/api';
import type { Browser as BrowserJar } from '#test/support/browser-flow';

// A rule runs in the sandbox here: on a loaded machine the integration setup's 1 s budget can run
// out and fail the login. A real budget, then the service imported again.
process.env.EXTENSIONS_BUDGET_MS = '10000';
vi.resetModules();
const { config } = await import('#shared/platform/config');
const { call, observeRequests } = await import('#test/support/api');
const { Browser, hiddenFields, pkce, redirectParams, seedSpa, SPA_CALLBACK, SPA_ORIGIN } = await import('#test/support/browser-flow');
const { claimsOf, PASSWORD, REALM_GRANT, seedLoginUser } = await import('#test/support/logins');
const { CONNECTION } = await import('#test/support/users');

/**
 * A login ticket from POST /co/authenticate, redeemed by /authorize?login_ticket=… as Lock's
 * auth0.js sends it (cookie from /co/authenticate in the jar), and the /co/verify fallback for
 * browsers that dropped that cookie. Through the route table against DynamoDB Local.
 */
const LOC = 'https://app.example.com/verify.html';
let app: { client_id: string };
let user: Record<string, any>;

beforeAll(async () => {
  app = await seedSpa({ cross_origin_authentication: true, allowed_origins: [SPA_ORIGIN], cross_origin_loc: LOC });
  user = await seedLoginUser();
});

afterEach(() => {
  vi.restoreAllMocks();
});

interface Ticket {
  login_ticket: string;
  co_verifier: string;
  co_id: string;
}

async function coAuthenticate(browser: BrowserJar, client = app, email = user.email as string): Promise<Ticket> {
  const res = browser.keep(
    await call('co-authenticate', {
      headers: { origin: SPA_ORIGIN },
      body: { client_id: client.client_id, username: email, password: PASSWORD, realm: CONNECTION, credential_type: REALM_GRANT },
      cookies: browser.cookies(),
    }),
  );
  expect(res.status, res.text).toBe(200);
  return res.body as Ticket;
}

/** Lock's /authorize after /co/authenticate (default: `token id_token` in the fragment). */
const lockQuery = (ticket: Ticket, extra: Record<string, string> = {}, client = app) => ({
  client_id: client.client_id,
  response_type: 'token id_token',
  redirect_uri: SPA_CALLBACK,
  scope: 'openid profile email',
  state: 'lock-state',
  nonce: 'lock-nonce',
  realm: CONNECTION,
  login_ticket: ticket.login_ticket,
  auth0Client: 'eyJuYW1lIjoibG9jay5qcyJ9',
  ...extra,
});

const fragment = (res: CallResult) => redirectParams(res, 'fragment');

/** The page's inline scripts, as a browser runs them (node:vm, the given globals). */
function runScripts(page: CallResult, globals: Record<string, unknown>): void {
  for (const [, script] of page.text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)) runInNewContext(script!, globals, { timeout: 1000 });
}

/** What a web_message answer page posts to the window that framed it, and to which origin. */
function webMessages(page: CallResult): { message: any; targetOrigin: string }[] {
  const posted: { message: any; targetOrigin: string }[] = [];
  const parent = { postMessage: (message: unknown, targetOrigin: string) => posted.push({ message: JSON.parse(JSON.stringify(message)), targetOrigin }) };
  runScripts(page, { window: { opener: null, parent } });
  return posted;
}

describe('GET /authorize?login_ticket=… with the cookie', () => {
  it('answers Lock\'s `token id_token` in the fragment, starts the SSO session and clears the ticket cookie', async () => {
    const browser = new Browser();
    const ticket = await coAuthenticate(browser);
    expect(browser.jar.get(`co_${ticket.co_id}`)).toBe(ticket.co_verifier);
    const res = await browser.authorize(lockQuery(ticket));
    expect(res.status, res.text).toBe(302);
    expect(res.headers.location!.startsWith(`${SPA_CALLBACK}#`)).toBe(true);
    const answer = fragment(res);
    expect(Object.keys(answer).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'scope', 'state', 'token_type']);
    expect(answer.state).toBe('lock-state');
    expect(answer.token_type).toBe('Bearer');
    const claims = claimsOf(answer.id_token!);
    expect(claims.sub).toBe(user.user_id);
    expect(claims.nonce).toBe('lock-nonce');
    expect(claims.aud).toBe(app.client_id);
    expect(res.cookies).toContain(`co_${ticket.co_id}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=None`);
    expect(res.cookies.some((c) => /^auth0=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}; /.test(c))).toBe(true);
    expect(browser.jar.has(`co_${ticket.co_id}`)).toBe(false);

    // /userinfo takes the access token; the SSO session answers the next prompt=none at once.
    const info = await call('userinfo', { headers: { authorization: `Bearer ${answer.access_token}` } });
    expect(info.status).toBe(200);
    expect(info.body.sub).toBe(user.user_id);
    const { login_ticket: _used, realm: _realm, ...probe } = lockQuery(ticket);
    const silent = await browser.authorize({ ...probe, prompt: 'none', response_mode: 'web_message', nonce: 'n2' });
    expect(silent.status).toBe(200);
    expect(silent.text).toContain('authorization_response');
    expect(silent.text).toContain('access_token');
  });

  it('answers a code where asked (auth.redirectUrl), exchanged with PKCE for tokens of the ticket\'s user', async () => {
    const browser = new Browser();
    const ticket = await coAuthenticate(browser);
    const { verifier, challenge } = pkce();
    const res = await browser.authorize(lockQuery(ticket, { response_type: 'code', response_mode: 'query', code_challenge: challenge, code_challenge_method: 'S256' }));
    expect(res.status, res.text).toBe(302);
    const { code, state } = redirectParams(res);
    expect(state).toBe('lock-state');
    const token = await call('oauth-token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: new URLSearchParams({ grant_type: 'authorization_code', client_id: app.client_id, code: code!, code_verifier: verifier, redirect_uri: SPA_CALLBACK }).toString(),
    });
    expect(token.status, token.text).toBe(200);
    expect(claimsOf(token.body.id_token).sub).toBe(user.user_id);
  });

  it('answers Lock\'s `redirect: false` (auth0.js redeems in a hidden iframe: web_message, prompt=none) with the tokens', async () => {
    const browser = new Browser();
    const ticket = await coAuthenticate(browser);
    const res = await browser.authorize(lockQuery(ticket, { response_mode: 'web_message', prompt: 'none' }));
    expect(res.status, res.text).toBe(200);
    expect(res.headers['content-security-policy']).toContain(`frame-ancestors ${SPA_ORIGIN}`);
    expect(res.text).toContain('authorization_response');
    expect(res.text).toMatch(/"id_token":"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+"/);
    expect(res.text).toContain('"state":"lock-state"');
  });

  it('runs the tenant\'s rules (a claim a rule adds is in the ID token)', async () => {
    const rule = await call('rules-create', {
      scopes: ['create:rules'],
      body: { name: `co-claim-${Date.now()}`, enabled: true, script: "function (user, context, callback) { context.idToken['https://example.com/co'] = 'yes'; callback(null, user, context); }" },
    });
    expect(rule.status, rule.text).toBe(201);
    try {
      const browser = new Browser();
      const res = await browser.authorize(lockQuery(await coAuthenticate(browser)));
      const answer = fragment(res);
      expect(answer.id_token, JSON.stringify(answer)).toBeDefined();
      expect(claimsOf(answer.id_token!)['https://example.com/co']).toBe('yes');
    } finally {
      await call('rules-delete', { params: { id: rule.body.id }, scopes: ['delete:rules'] });
    }
  });

  it('redeems with one conditional DeleteItem: DynamoDB requests counted (reported)', async () => {
    // A user with no other session (beyond 5 a login also ends the oldest: one more DeleteItem).
    const fresh = await seedLoginUser();
    const warm = new Browser();
    await warm.authorize(lockQuery(await coAuthenticate(warm, app, fresh.email))); // caches (extensions, keys, settings) as a warm Lambda has them
    const browser = new Browser();
    const ticket = await coAuthenticate(browser, app, fresh.email);
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    const res = await browser.authorize(lockQuery(ticket));
    stop();
    expect(res.status).toBe(302);
    const db = seen.find((r) => r.route === 'authorize')!.db;
    console.info('login_ticket redemption DynamoDB', JSON.stringify(db));
    // The ticket (one conditional DeleteItem), the user's partition, the extensions' generation
    // (every login reads it), the login statistics, the implicit session, the SSO session.
    expect(db.commands).toEqual(['DeleteItem', 'Query', 'Query', 'UpdateItem', 'PutItem', 'PutItem']);
  });
});

describe('GET /authorize?login_ticket=…: refusals go back to the application', () => {
  const INVALID = { error: 'access_denied', error_description: 'The login ticket is invalid, expired or was already used.', state: 'lock-state' };

  it('is single use: the second redemption is access_denied', async () => {
    const browser = new Browser();
    const ticket = await coAuthenticate(browser);
    const cookie = `co_${ticket.co_id}=${ticket.co_verifier}`;
    expect((await call('authorize', { query: lockQuery(ticket), cookies: [cookie] })).status).toBe(302);
    const again = await call('authorize', { query: lockQuery(ticket), cookies: [cookie] });
    expect(again.status).toBe(302);
    expect(fragment(again)).toEqual(INVALID);
  });

  it('two redemptions at once: exactly one gets tokens', async () => {
    const browser = new Browser();
    const ticket = await coAuthenticate(browser);
    const cookie = `co_${ticket.co_id}=${ticket.co_verifier}`;
    const both = await Promise.all([0, 1].map(() => call('authorize', { query: lockQuery(ticket), cookies: [cookie] })));
    const answers = both.map((r) => fragment(r));
    expect(answers.filter((a) => a.id_token !== undefined)).toHaveLength(1);
    expect(answers.filter((a) => a.error === 'access_denied')).toHaveLength(1);
  });

  it('another browser\'s verifier is refused, and does not burn the ticket for its own browser', async () => {
    const browser = new Browser();
    const ticket = await coAuthenticate(browser);
    const forged = await call('authorize', { query: lockQuery(ticket), cookies: [`co_${ticket.co_id}=${'A'.repeat(43)}`] });
    expect(fragment(forged)).toEqual(INVALID);
    const own = await browser.authorize(lockQuery(ticket));
    expect(fragment(own).id_token).toBeDefined();
  });

  it('another application cannot redeem it', async () => {
    const other = await seedSpa({ cross_origin_authentication: true, allowed_origins: [SPA_ORIGIN] });
    const browser = new Browser();
    const ticket = await coAuthenticate(browser);
    const res = await browser.authorize(lockQuery(ticket, {}, other));
    expect(fragment(res)).toEqual(INVALID);
  });

  it('expires after two minutes', async () => {
    const browser = new Browser();
    const ticket = await coAuthenticate(browser);
    const later = Date.now() + 121_000;
    vi.spyOn(Date, 'now').mockReturnValue(later);
    const res = await browser.authorize(lockQuery(ticket));
    expect(fragment(res)).toEqual(INVALID);
  });

  it('a realm other than the ticket\'s connection is refused', async () => {
    const browser = new Browser();
    const ticket = await coAuthenticate(browser);
    const res = await browser.authorize(lockQuery(ticket, { realm: 'Other-DB' }));
    expect(fragment(res)).toEqual({ error: 'invalid_request', error_description: 'realm does not match the login ticket', state: 'lock-state' });
  });

  it('a malformed ticket is invalid_request; an unknown redirect_uri is our error page, never a redirect', async () => {
    const hostile = await call('authorize', { query: lockQuery({ login_ticket: '<script>alert(1)</script>', co_id: 'x', co_verifier: 'y' }) });
    expect(fragment(hostile)).toEqual({ error: 'invalid_request', error_description: 'Invalid login_ticket', state: 'lock-state' });
    const long = await call('authorize', { query: lockQuery({ login_ticket: 'a'.repeat(5000), co_id: 'x', co_verifier: 'y' }) });
    expect(fragment(long).error).toBe('invalid_request');
    const browser = new Browser();
    const ticket = await coAuthenticate(browser);
    const page = await browser.authorize(lockQuery(ticket, { redirect_uri: 'https://evil.example/cb' }));
    expect(page.status).toBe(400);
    expect(page.headers.location).toBeUndefined();
  });

  it('an application that turned cross-origin authentication off: unauthorized_client', async () => {
    const flip = await seedSpa({ cross_origin_authentication: true, allowed_origins: [SPA_ORIGIN] });
    const browser = new Browser();
    const ticket = await coAuthenticate(browser, flip);
    const off = await call('clients-update', { params: { id: flip.client_id }, scopes: ['update:clients'], body: { cross_origin_authentication: false } });
    expect(off.status).toBe(200);
    const res = await browser.authorize(lockQuery(ticket, {}, flip));
    expect(fragment(res)).toEqual({ error: 'unauthorized_client', error_description: 'Cross origin login not allowed.', state: 'lock-state' });
  });

  it('without the cookie in a frame (web_message): access_denied at once, posted to the application, ticket untouched', async () => {
    const browser = new Browser();
    const ticket = await coAuthenticate(browser);
    const res = await call('authorize', { query: lockQuery(ticket, { response_mode: 'web_message', prompt: 'none' }) });
    expect(res.status, res.text).toBe(200);
    expect(res.headers['content-security-policy']).toContain(`frame-ancestors ${SPA_ORIGIN}`);
    expect(res.cookies).toEqual([]);
    expect(res.text).not.toContain('co_verifier_request');
    expect(webMessages(res)).toEqual([
      {
        targetOrigin: SPA_ORIGIN,
        message: {
          type: 'authorization_response',
          response: {
            error: 'access_denied',
            error_description: 'Third-party cookies are blocked in this browser, and the cross-origin verification page cannot run in a frame (response_mode=web_message).',
            state: 'lock-state',
          },
        },
      },
    ]);
    // Nothing was redeemed: the browser that holds the cookie can still use the ticket.
    const own = await browser.authorize(lockQuery(ticket));
    expect(fragment(own).id_token).toBeDefined();
  });

  it('without the cookie and without cross_origin_loc: the application hears "Unable to configure verification page."', async () => {
    const noLoc = await seedSpa({ cross_origin_authentication: true, allowed_origins: [SPA_ORIGIN] });
    const ticket = await coAuthenticate(new Browser(), noLoc);
    const res = await call('authorize', { query: lockQuery(ticket, {}, noLoc) });
    expect(fragment(res)).toEqual({ error: 'access_denied', error_description: 'Unable to configure verification page.', state: 'lock-state' });
  });
});

describe('the /co/verify fallback (third-party cookies blocked)', () => {
  /** A browser that dropped /co/authenticate's cookie (as with third-party cookies blocked). */
  async function withoutCookie() {
    const ticket = await coAuthenticate(new Browser());
    const browser = new Browser();
    const page = await browser.authorize(lockQuery(ticket));
    return { ticket, browser, page };
  }

  const post = (browser: BrowserJar, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    call('co-verify', {
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'null', ...headers },
      rawBody: new URLSearchParams(fields).toString(),
      cookies: browser.cookies(),
    });

  it('answers a page that frames cross_origin_loc#origin=<ours> and talks only to its origin', async () => {
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    const { ticket, page } = await withoutCookie();
    stop();
    // The page costs nothing in DynamoDB (the client is cached): the ticket is untouched until the post.
    expect(seen.find((r) => r.route === 'authorize')!.db.requests).toBe(0);
    expect(page.status, page.text).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-store');
    const csp = page.headers['content-security-policy']!;
    expect(csp).toMatch(/script-src 'nonce-[^']+'/);
    expect(csp).toContain('frame-src https://app.example.com');
    expect(csp).toContain(`form-action 'self' ${SPA_ORIGIN}`);
    expect(page.text).toContain(`"${LOC}#origin=${encodeURIComponent(new URL(config.ISSUER).origin)}"`);
    expect(page.text).toContain(',target="https://app.example.com",');
    expect(page.text).toContain('co_verifier_request');
    expect(page.text).toContain(JSON.stringify(ticket.co_id));
    const fields = hiddenFields(page.text);
    expect(fields.login_ticket).toBe(ticket.login_ticket);
    expect(fields._csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fields.state).toBe('lock-state');
    expect(page.cookies).toEqual([`co_verify_${ticket.co_id}=${fields._csrf}; Max-Age=600; Path=/co/verify; HttpOnly; Secure; SameSite=Strict`]);
  });

  it('form_post: the page may post only to /co/verify (form-action \'self\'), whose own page posts the answer', async () => {
    const ticket = await coAuthenticate(new Browser());
    const browser = new Browser();
    const page = await browser.authorize(lockQuery(ticket, { response_mode: 'form_post' }));
    expect(page.status, page.text).toBe(200);
    const csp = page.headers['content-security-policy']!;
    expect(csp.split('; ')).toContain("form-action 'self'");
    expect(csp).toContain('frame-src https://app.example.com');
    const fields = hiddenFields(page.text);
    expect(fields.response_mode).toBe('form_post');
    const res = await post(browser, { ...fields, co_verifier: ticket.co_verifier });
    expect(res.status, res.text).toBe(200);
    expect(res.text).toContain(`action="${SPA_CALLBACK}"`);
    expect(hiddenFields(res.text).id_token).toBeDefined();
    expect(hiddenFields(res.text).state).toBe('lock-state');
  });

  it('the page\'s script takes messages only from its frame and cross_origin_loc\'s origin (forged ones never reach the form)', async () => {
    const { ticket, browser, page } = await withoutCookie();
    // A fake document and window for the page's script, as a browser gives them.
    const submitted: string[] = [];
    const form = { elements: { co_verifier: { value: '' } }, submit: () => submitted.push(form.elements.co_verifier.value) };
    const toFrame: { message: any; targetOrigin: string }[] = [];
    const frame = { style: {} as Record<string, string>, title: '', src: '', contentWindow: { postMessage: (message: unknown, targetOrigin: string) => toFrame.push({ message: JSON.parse(JSON.stringify(message)), targetOrigin }) } };
    const listeners: ((e: { origin: string; source: unknown; data: unknown }) => void)[] = [];
    const timers: (() => void)[] = [];
    runScripts(page, {
      document: {
        getElementById: (id: string) => (id === 'co-verify' ? form : null),
        createElement: (tag: string) => (tag === 'iframe' ? frame : {}),
        body: { appendChild: () => undefined },
      },
      window: { addEventListener: (type: string, fn: (typeof listeners)[number]) => type === 'message' && listeners.push(fn) },
      setTimeout: (fn: () => void) => timers.push(fn),
    });
    expect(listeners).toHaveLength(1);
    expect(frame.src).toBe(`${LOC}#origin=${encodeURIComponent(new URL(config.ISSUER).origin)}`);
    const send = (origin: string, source: unknown, data: unknown) => listeners[0]!({ origin, source, data });
    const LOC_ORIGIN = 'https://app.example.com';
    const forged = { type: 'co_verifier_response', response: { verifier: 'F'.repeat(43) } };
    // The frame navigated to another origin (its window, a foreign origin).
    send('https://evil.example', frame.contentWindow, { type: 'ready' });
    send('https://evil.example', frame.contentWindow, forged);
    // The right origin, but another window (e.g. an opener or another tab of the application).
    const opener = { postMessage: () => undefined };
    send(LOC_ORIGIN, opener, { type: 'ready' });
    send(LOC_ORIGIN, opener, forged);
    // Malformed data from the frame itself.
    send(LOC_ORIGIN, frame.contentWindow, null);
    send(LOC_ORIGIN, frame.contentWindow, 'co_verifier_response');
    expect(toFrame).toEqual([]);
    expect(submitted).toEqual([]);

    // The real exchange: ready, the request to cross_origin_loc's origin, the verifier, one post.
    send(LOC_ORIGIN, frame.contentWindow, { type: 'ready' });
    expect(toFrame).toEqual([{ targetOrigin: LOC_ORIGIN, message: { type: 'co_verifier_request', request: { id: ticket.co_id } } }]);
    send(LOC_ORIGIN, frame.contentWindow, { type: 'co_verifier_response', response: { verifier: ticket.co_verifier } });
    send(LOC_ORIGIN, opener, forged);
    timers.forEach((fire) => fire());
    expect(submitted).toEqual([ticket.co_verifier]);
    const res = await post(browser, { ...hiddenFields(page.text), co_verifier: submitted[0]! });
    expect(fragment(res).id_token).toBeDefined();
  });

  it('the page\'s script posts an empty verifier when the frame never answers; the application hears access_denied', async () => {
    const { browser, page } = await withoutCookie();
    const submitted: string[] = [];
    const form = { elements: { co_verifier: { value: 'x' } }, submit: () => submitted.push(form.elements.co_verifier.value) };
    const timers: { fn: () => void; ms: number }[] = [];
    runScripts(page, {
      document: { getElementById: () => form, createElement: () => ({ style: {}, contentWindow: {} }), body: { appendChild: () => undefined } },
      window: { addEventListener: () => undefined },
      setTimeout: (fn: () => void, ms: number) => timers.push({ fn, ms }),
    });
    expect(timers.map((t) => t.ms)).toEqual([10_000]);
    timers[0]!.fn();
    expect(submitted).toEqual(['']);
    const res = await post(browser, { ...hiddenFields(page.text), co_verifier: '' });
    expect(fragment(res)).toEqual({ error: 'access_denied', error_description: 'The application’s cross-origin verification page did not answer (cross_origin_loc).', state: 'lock-state' });
  });

  it('POST /co/verify with the verifier the application kept redeems the ticket and answers as /authorize', async () => {
    const fresh = await seedLoginUser();
    const warm = new Browser();
    await warm.authorize(lockQuery(await coAuthenticate(warm, app, fresh.email))); // warm caches
    const ticket = await coAuthenticate(new Browser(), app, fresh.email);
    const browser = new Browser();
    const page = await browser.authorize(lockQuery(ticket));
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    const res = await post(browser, { ...hiddenFields(page.text), co_verifier: ticket.co_verifier });
    stop();
    expect(res.status, res.text).toBe(302);
    const db = seen.find((r) => r.route === 'co-verify')!.db;
    console.info('/co/verify DynamoDB', JSON.stringify(db));
    expect(db.commands).toEqual(['DeleteItem', 'Query', 'Query', 'UpdateItem', 'PutItem', 'PutItem']);
    const answer = fragment(res);
    expect(answer.state).toBe('lock-state');
    expect(claimsOf(answer.id_token!).sub).toBe(fresh.user_id);
    expect(claimsOf(answer.id_token!).nonce).toBe('lock-nonce');
    expect(res.cookies.some((c) => c.startsWith('auth0='))).toBe(true);
    expect(res.cookies).toContain(`co_verify_${ticket.co_id}=; Max-Age=0; Path=/co/verify; HttpOnly; Secure; SameSite=Strict`);
  });

  it('refuses a wrong or missing verifier, a post without the page\'s cookie, and a post from another origin', async () => {
    const { ticket, browser, page } = await withoutCookie();
    const fields = hiddenFields(page.text);
    const wrong = await post(browser, { ...fields, co_verifier: 'B'.repeat(43) });
    expect(fragment(wrong)).toEqual({ error: 'access_denied', error_description: 'The login ticket is invalid, expired or was already used.', state: 'lock-state' });
    const empty = await post(browser, { ...fields, co_verifier: '' });
    expect(fragment(empty).error).toBe('access_denied');
    // A login CSRF: an attacker's own ticket and verifier posted from their page, without our cookie.
    const csrf = await call('co-verify', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: new URLSearchParams({ ...fields, co_verifier: ticket.co_verifier }).toString(),
    });
    expect(fragment(csrf)).toEqual({ error: 'access_denied', error_description: 'The verification page expired or was opened in another browser.', state: 'lock-state' });
    const foreign = await post(browser, { ...fields, co_verifier: ticket.co_verifier }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.location).toBeUndefined();
    // None of these used the ticket: the real post still works.
    const ok = await post(browser, { ...fields, co_verifier: ticket.co_verifier });
    expect(fragment(ok).id_token).toBeDefined();
  });

  it('refuses hostile posts with a page, never a 500: no ticket, not a form, too many fields, markup', async () => {
    const browser = new Browser();
    const none = await post(browser, { co_verifier: 'x' });
    expect(none.status).toBe(400);
    const json = await call('co-verify', { headers: { 'content-type': 'application/json' }, rawBody: '{}' });
    expect(json.status).toBe(415);
    const many = await post(browser, Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`f${i}`, 'x'])));
    expect(many.status).toBe(400);
    const markup = await post(browser, { client_id: '<script>alert(1)</script>', login_ticket: 'A'.repeat(43) });
    expect(markup.status).toBe(400);
    expect(markup.text).not.toContain('<script>alert(1)');
  });
});
