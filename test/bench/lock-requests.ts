import { randomBytes } from 'node:crypto';
import { redirectTarget, type BenchBrowser } from '#test/bench/hosted-login-flow';
import type { BenchResponse } from '#test/bench/http';
import { jwtClaims, PASSWORD_REALM_GRANT } from '#test/bench/login-probes';
import { fail } from '#test/bench/measure';

/**
 * Lock 14.3's requests (auth0.js 9.32) as the browser tests recorded them on the wire
 * (test-artifacts/browser/lock-wire.txt) and the Lock integration tests send them
 * (test/integration/lock/), each sent by a BenchBrowser, and its answer checked as auth0.js
 * checks it. The page runs Lock at LOCK_PAGE; its origin is what every request's Origin says.
 */
export const LOCK_ORIGIN = 'https://shop.bench.example';
export const LOCK_PAGE = `${LOCK_ORIGIN}/account/login`;
const SCOPE = 'openid profile email';
/** auth0.js's telemetry header and query parameter: base64 of JSON. */
const AUTH0_CLIENT = Buffer.from(JSON.stringify({ name: 'lock.js', version: '14.3.0', env: { 'auth0.js': '9.32.0' } })).toString('base64');

export interface LockApp {
  clientId: string;
  connection: string;
  password: string;
}

/** auth0.js's random strings: 32 characters of `0-9A-Za-z-._~` (helper/random.js). */
function randomString(): string {
  const charset = '0123456789ABCDEFGHIJKLMNOPQRSTUVXYZabcdefghijklmnopqrstuvwxyz-._~';
  return [...randomBytes(32)].map((b) => charset[b % charset.length]).join('');
}

const query = (params: Record<string, string>) => `/authorize?${new URLSearchParams(params).toString().replace(/\+/g, '%20')}`;

function expectStatus(res: BenchResponse, status: number, what: string): void {
  if (res.status !== status) throw new Error(`${what}: HTTP ${res.status}, expected ${status}: ${res.body.slice(0, 300)}`);
}

function corsChecked(res: BenchResponse, what: string): void {
  if (res.headers['access-control-allow-origin'] !== LOCK_ORIGIN) throw new Error(`${what}: no CORS answer for ${LOCK_ORIGIN}`);
}

/**
 * A new browser's CORS preflight before auth0.js's JSON post (content-type, auth0-client) or its
 * /userinfo (authorization): 204 with the page's origin; cached per browser for 2 hours after.
 */
export async function preflight(browser: BenchBrowser, route: 'co-authenticate-preflight' | 'userinfo-preflight', path: string, method: 'GET' | 'POST', headers: string) {
  const step = await browser.step(route, {
    method: 'OPTIONS', path, headers: { origin: LOCK_ORIGIN, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });
  expectStatus(step.res, 204, `OPTIONS ${path}`);
  corsChecked(step.res, `OPTIONS ${path}`);
  return { sample: step.sample };
}

/** Step 1: POST /co/authenticate (JSON, credentials included): the ticket, and the `co_` cookie in the jar. */
export async function coAuthenticate(browser: BenchBrowser, app: LockApp, email: string) {
  const step = await browser.step('co-authenticate', {
    method: 'POST',
    path: '/co/authenticate',
    headers: { origin: LOCK_ORIGIN, 'auth0-client': AUTH0_CLIENT },
    body: { client_id: app.clientId, username: email, password: app.password, realm: app.connection, credential_type: PASSWORD_REALM_GRANT },
  });
  expectStatus(step.res, 200, 'POST /co/authenticate');
  corsChecked(step.res, 'POST /co/authenticate');
  const body = JSON.parse(step.res.body) as { login_ticket?: string; co_id?: string };
  const ticket = body.login_ticket ?? fail('POST /co/authenticate: no login_ticket');
  if (!browser.cookieNames().includes(`co_${body.co_id}`)) throw new Error('POST /co/authenticate set no co_ cookie');
  return { sample: step.sample, ticket };
}

/**
 * Step 2: Lock's login without `auth.redirectUrl`: response_type=token and no response_mode (the
 * fragment is token's default), no nonce, the connection as `connection` and `realm`, the ticket.
 * A 302 to the page with the access token in the fragment.
 */
export async function redeemTicket(browser: BenchBrowser, app: LockApp, ticket: string) {
  const state = randomString();
  const step = await browser.step('authorize', {
    method: 'GET',
    path: query({
      client_id: app.clientId, response_type: 'token', redirect_uri: LOCK_PAGE, scope: SCOPE, connection: app.connection,
      state, realm: app.connection, login_ticket: ticket, auth0Client: AUTH0_CLIENT,
    }),
  });
  expectStatus(step.res, 302, 'GET /authorize?login_ticket');
  const { url } = redirectTarget(step.res);
  const answer = Object.fromEntries(new URLSearchParams(url.hash.slice(1)));
  if (`${url.origin}${url.pathname}` !== LOCK_PAGE) throw new Error(`GET /authorize?login_ticket: redirected to ${url.origin}${url.pathname}`);
  if (answer.state !== state || !answer.access_token) throw new Error(`GET /authorize?login_ticket: fragment ${Object.keys(answer).join(', ')}${answer.error ? ` (${answer.error}: ${answer.error_description})` : ''}`);
  if (!browser.cookieNames().includes('auth0')) throw new Error('GET /authorize?login_ticket set no auth0 cookie');
  if (browser.cookieNames().some((c) => c.startsWith('co_'))) throw new Error('GET /authorize?login_ticket left the co_ cookie');
  return { sample: step.sample, accessToken: answer.access_token };
}

/**
 * Step 3: Lock's SSO probe (getSSOData -> checkSession) once auth0.js remembers the connection: a
 * hidden iframe with response_type=token id_token, response_mode=web_message, prompt=none. The
 * page posts `authorization_response` with the tokens; the ID token carries the probe's nonce.
 */
export async function ssoProbe(browser: BenchBrowser, app: LockApp, userId: string) {
  const state = randomString();
  const nonce = randomString();
  const step = await browser.step('authorize', {
    method: 'GET',
    path: query({
      client_id: app.clientId, response_type: 'token id_token', redirect_uri: LOCK_PAGE, scope: SCOPE, connection: app.connection,
      state, nonce, response_mode: 'web_message', prompt: 'none', auth0Client: AUTH0_CLIENT,
    }),
  });
  expectStatus(step.res, 200, 'SSO probe');
  if (!step.res.body.includes('authorization_response') || !step.res.body.includes(`"state":"${state}"`)) throw new Error('SSO probe: no authorization_response with its state');
  const idToken = /"id_token":"([A-Za-z0-9_.-]+)"/.exec(step.res.body)?.[1] ?? fail(`SSO probe: no id_token in ${step.res.body.slice(0, 300)}`);
  const claims = jwtClaims(idToken);
  if (claims.nonce !== nonce || claims.aud !== app.clientId || claims.sub !== userId) throw new Error(`SSO probe: id_token nonce ${String(claims.nonce)}, sub ${String(claims.sub)}`);
  return { sample: step.sample };
}

/** Step 4: lock.getUserInfo(accessToken): GET /userinfo from the page. */
export async function userInfo(browser: BenchBrowser, accessToken: string, userId: string) {
  const step = await browser.step('userinfo', { method: 'GET', path: '/userinfo', headers: { origin: LOCK_ORIGIN, authorization: `Bearer ${accessToken}` } });
  expectStatus(step.res, 200, 'GET /userinfo');
  corsChecked(step.res, 'GET /userinfo');
  const sub = (JSON.parse(step.res.body) as { sub?: string }).sub;
  if (sub !== userId) throw new Error(`GET /userinfo: sub ${String(sub)}, expected ${userId}`);
  return { sample: step.sample };
}

/** Lock's Sign Up tab: POST /dbconnections/signup (JSON, no credentials), extra fields as strings in user_metadata. */
export async function signUp(browser: BenchBrowser, app: LockApp, email: string) {
  const step = await browser.step('signup', {
    method: 'POST',
    path: '/dbconnections/signup',
    headers: { origin: LOCK_ORIGIN, 'auth0-client': AUTH0_CLIENT },
    body: {
      client_id: app.clientId, connection: app.connection, email, password: app.password, given_name: 'Ada',
      user_metadata: { company: 'Bench Ltd', newsletter: 'true', referral: 'spring' },
    },
  });
  expectStatus(step.res, 200, 'POST /dbconnections/signup');
  corsChecked(step.res, 'POST /dbconnections/signup');
  const body = JSON.parse(step.res.body) as { email?: string; user_metadata?: { newsletter?: unknown } };
  if (body.email !== email || body.user_metadata?.newsletter !== 'true') throw new Error(`POST /dbconnections/signup answered ${step.res.body.slice(0, 300)}`);
  return { sample: step.sample };
}
