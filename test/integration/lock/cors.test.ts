import { beforeAll, describe, expect, it } from 'vitest';
import { withCors } from '#shared/authentication/oauth/cors';
import { InvalidRequestError } from '#shared/authentication/errors';
import type { RouteId } from '#shared/http/routes';
import { call, type CallResult } from '#test/support/api';
import { CONNECTION, uniqueEmail } from '#test/support/users';

/**
 * CORS for what Lock calls from the application's page (auth0.js, with its `Auth0-Client`
 * header): /dbconnections/signup (preflight and response), /co/authenticate (preflight and the
 * helper its handler uses, with credentials), /.well-known/jwks.json. The exact origin is echoed
 * only when an application allows it; when the body names a client, that client must allow it.
 */
const LOCK_ORIGIN = 'https://lock-app.cors.example';
const OTHER_APP_ORIGIN = 'https://other-app.cors.example';
const FOREIGN_ORIGIN = 'https://evil.example';
const PASSWORD = 'Passw0rd!long';
const TELEMETRY = Buffer.from(JSON.stringify({ name: 'lock.js', version: '14.3.0', env: { 'auth0.js': '9.32.0' } })).toString('base64url');
let lockApp: string;

const HOSTILE_ORIGINS = [
  FOREIGN_ORIGIN, 'null', 'http://lock-app.cors.example', 'https://lock-app.cors.example:8443', `${LOCK_ORIGIN}/`, `${LOCK_ORIGIN}.evil.example`,
  'HTTPS://LOCK-APP.CORS.EXAMPLE', `https://${'a'.repeat(5000)}.example`, '<script>alert(1)</script>', `${LOCK_ORIGIN}\u0000`, 'https://lock-app.cors.example\u2028',
];

async function app(body: Record<string, unknown>) {
  const res = await call('clients-create', { scopes: ['create:clients'], body: { name: 'lock-cors-app', app_type: 'spa', token_endpoint_auth_method: 'none', ...body } });
  expect(res.status, res.text).toBe(201);
  return res.body.client_id as string;
}

beforeAll(async () => {
  lockApp = await app({ web_origins: [LOCK_ORIGIN], callbacks: [`${LOCK_ORIGIN}/callback`], cross_origin_authentication: true });
  await app({ allowed_origins: [OTHER_APP_ORIGIN] });
});

const corsHeaders = (res: CallResult) =>
  Object.fromEntries(Object.entries(res.headers).filter(([k]) => k.startsWith('access-control-') || k === 'vary'));

const preflight = (id: RouteId, origin: string | undefined, requestHeaders = 'content-type,auth0-client') =>
  call(id, { headers: { ...(origin !== undefined ? { origin } : {}), 'access-control-request-method': 'POST', 'access-control-request-headers': requestHeaders } });

function signup(origin: string | undefined, body: Record<string, unknown>): Promise<CallResult> {
  return call('signup', { headers: { 'auth0-client': TELEMETRY, ...(origin !== undefined ? { origin } : {}) }, body });
}
const signupBody = (email: string, extra: Record<string, unknown> = {}) => ({ client_id: lockApp, connection: CONNECTION, email, password: PASSWORD, ...extra });

async function expectNoUser(email: string) {
  const found = await call('users-by-email', { query: { email }, scopes: ['read:users'] });
  expect(found.body).toEqual([]);
}

describe('OPTIONS /dbconnections/signup (preflight)', () => {
  it("answers an application's origin with the exact origin, POST and the headers auth0.js sends, without credentials", async () => {
    const res = await preflight('signup-preflight', LOCK_ORIGIN);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(corsHeaders(res)).toEqual({
      'access-control-allow-origin': LOCK_ORIGIN,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type, auth0-client',
      'access-control-max-age': '7200',
      vary: 'Origin, Access-Control-Request-Headers',
    });
  });

  it('allows only the headers it knows (an injected one is left out)', async () => {
    const res = await preflight('signup-preflight', LOCK_ORIGIN, 'Content-Type, X-Evil, Auth0-Client, cookie');
    expect(res.headers['access-control-allow-headers']).toBe('content-type, auth0-client');
  });

  it('gives an origin no application allows no allow headers at all', async () => {
    for (const origin of [...HOSTILE_ORIGINS, undefined]) {
      const res = await preflight('signup-preflight', origin);
      expect(res.status, origin).toBe(204);
      expect(corsHeaders(res), origin).toEqual({ vary: 'Origin, Access-Control-Request-Headers' });
    }
  });
});

describe('POST /dbconnections/signup from a browser', () => {
  it('echoes the origin its application allows on the answer, without credentials', async () => {
    const email = uniqueEmail('lock-cors');
    const res = await signup(LOCK_ORIGIN, signupBody(email));
    expect(res.status, res.text).toBe(200);
    expect(res.body.email).toBe(email);
    expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': LOCK_ORIGIN, vary: 'Origin' });
  });

  it('lets Lock read a refusal: the error carries the CORS headers (a taken email, a weak password, a bad body)', async () => {
    const email = uniqueEmail('lock-cors-taken');
    expect((await signup(LOCK_ORIGIN, signupBody(email))).status).toBe(200);
    const taken = await signup(LOCK_ORIGIN, signupBody(email));
    expect(taken.status).toBe(400);
    expect(taken.body.code).toBe('invalid_signup');
    expect(corsHeaders(taken)).toEqual({ 'access-control-allow-origin': LOCK_ORIGIN, vary: 'Origin' });

    const weak = await signup(LOCK_ORIGIN, signupBody(uniqueEmail('lock-cors-weak'), { password: 'x' }));
    expect(weak.status).toBe(400);
    expect(weak.body.name).toBe('PasswordStrengthError');
    expect(corsHeaders(weak)).toEqual({ 'access-control-allow-origin': LOCK_ORIGIN, vary: 'Origin' });

    // Refused before any client is known: the origin passes because an application allows it.
    const malformed = await call('signup', { headers: { origin: LOCK_ORIGIN, 'content-type': 'application/json' }, rawBody: '{"client_id":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ name: 'BadRequestError', description: 'Invalid request payload JSON format', statusCode: 400 });
    expect(corsHeaders(malformed)).toEqual({ 'access-control-allow-origin': LOCK_ORIGIN, vary: 'Origin' });
  });

  it("refuses an origin the named application does not allow (403 in signup's shape, no CORS headers, no user)", async () => {
    for (const origin of [OTHER_APP_ORIGIN, ...HOSTILE_ORIGINS]) {
      const email = uniqueEmail('lock-cors-refused');
      const res = await signup(origin, signupBody(email));
      expect(res.status, origin).toBe(403);
      expect(res.body, origin).toEqual({ name: 'AccessDeniedError', code: 'access_denied', description: `Origin ${origin} is not allowed`, statusCode: 403 });
      expect(corsHeaders(res), origin).toEqual({ vary: 'Origin' });
      await expectNoUser(email);
    }
  });

  it('gives a foreign origin no CORS headers on a refusal before the client is known either', async () => {
    const res = await call('signup', { headers: { origin: FOREIGN_ORIGIN, 'content-type': 'text/plain' }, rawBody: 'x' });
    expect(res.status).toBe(415);
    expect(corsHeaders(res)).toEqual({ vary: 'Origin' });
  });

  it('an unknown or hostile client_id: the usual refusal, with CORS headers only for an origin some application allows', async () => {
    for (const clientId of ['no-such-client', 'x'.repeat(10_000), '__proto__', '<script>', 42]) {
      const email = uniqueEmail('lock-cors-unknown');
      const allowed = await signup(LOCK_ORIGIN, signupBody(email, { client_id: clientId }));
      expect(allowed.status, String(clientId)).toBe(400);
      expect(allowed.headers['access-control-allow-origin']).toBe(LOCK_ORIGIN);
      const foreign = await signup(FOREIGN_ORIGIN, signupBody(email, { client_id: clientId }));
      expect(foreign.status, String(clientId)).toBe(400);
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
      await expectNoUser(email);
    }
  });

  it('a server-side call (no Origin) is answered as before, with no CORS headers', async () => {
    const res = await signup(undefined, signupBody(uniqueEmail('lock-server')));
    expect(res.status, res.text).toBe(200);
    expect(corsHeaders(res)).toEqual({});
  });
});

describe('OPTIONS /co/authenticate (preflight, with credentials)', () => {
  it('allows credentials with the exact origin (auth0.js posts with credentials: include)', async () => {
    const res = await preflight('co-authenticate-preflight', LOCK_ORIGIN);
    expect(res.status).toBe(204);
    expect(corsHeaders(res)).toEqual({
      'access-control-allow-origin': LOCK_ORIGIN,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type, auth0-client',
      'access-control-max-age': '7200',
      vary: 'Origin, Access-Control-Request-Headers',
    });
  });

  it('gives an origin no application allows nothing: no origin, no credentials', async () => {
    for (const origin of [...HOSTILE_ORIGINS, undefined]) {
      const res = await preflight('co-authenticate-preflight', origin);
      expect(res.status, origin).toBe(204);
      expect(corsHeaders(res), origin).toEqual({ vary: 'Origin, Access-Control-Request-Headers' });
    }
  });
});

describe('withCors(origin, work, { credentials: true }): the answer of /co/authenticate', () => {
  const credentialed = (origin: string | undefined, clientId: string | undefined, work: () => Promise<unknown> = async () => 'ok') =>
    withCors(origin, async (admit) => {
      await admit(clientId);
      return work();
    }, { credentials: true });

  it('echoes an origin the application allows, with credentials', async () => {
    expect(await credentialed(LOCK_ORIGIN, lockApp)).toEqual({
      result: 'ok',
      headers: { 'access-control-allow-origin': LOCK_ORIGIN, 'access-control-allow-credentials': 'true', vary: 'Origin' },
    });
  });

  it('puts the same headers on an error thrown after admit, so the page can read it', async () => {
    const error = await credentialed(LOCK_ORIGIN, lockApp, async () => {
      throw new InvalidRequestError('nope');
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).headers).toEqual({ 'access-control-allow-origin': LOCK_ORIGIN, 'access-control-allow-credentials': 'true', vary: 'Origin' });
  });

  it("refuses an origin the application does not allow (403, work not run), with neither origin nor credentials", async () => {
    for (const origin of [OTHER_APP_ORIGIN, FOREIGN_ORIGIN]) {
      let ran = false;
      const error = await credentialed(origin, lockApp, async () => (ran = true)).catch((e: unknown) => e);
      expect(ran).toBe(false);
      expect(error).toMatchObject({ statusCode: 403, error: 'access_denied', description: `Origin ${origin} is not allowed`, headers: { vary: 'Origin' } });
    }
  });

  it('without an Origin (not a browser): no CORS headers', async () => {
    expect(await credentialed(undefined, lockApp)).toEqual({ result: 'ok', headers: {} });
  });

  it('leaves the endpoints without credentials as they were (no allow-credentials)', async () => {
    const { headers } = await withCors(LOCK_ORIGIN, async (admit) => admit(lockApp));
    expect(headers).toEqual({ 'access-control-allow-origin': LOCK_ORIGIN, vary: 'Origin' });
  });
});

describe('GET /.well-known/jwks.json from a page (auth0.js checks the ID token)', () => {
  it("echoes an application's origin; the body and the public cache are unchanged", async () => {
    const plain = await call('jwks');
    const res = await call('jwks', { headers: { origin: LOCK_ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(plain.body);
    expect(res.body.keys.length).toBeGreaterThan(0);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': LOCK_ORIGIN, vary: 'Origin' });
  });

  it('varies on Origin even without one (a shared cache must not serve that copy to a page), and gives foreign origins nothing', async () => {
    expect(corsHeaders(await call('jwks'))).toEqual({ vary: 'Origin' });
    for (const origin of HOSTILE_ORIGINS) {
      const res = await call('jwks', { headers: { origin } });
      expect(res.status, origin).toBe(200);
      expect(corsHeaders(res), origin).toEqual({ vary: 'Origin' });
    }
  });
});
