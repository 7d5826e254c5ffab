import { createHash, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueAuthorizationCode } from '#shared/authentication/authorize/codes';
import type { RequestRecord } from '#shared/http/handler';
import { call, observeRequests, type CallResult } from '#test/support/api';
import { seedLoginUser } from '#test/support/logins';
import { CONNECTION } from '#test/support/users';

/**
 * CORS for /oauth/token (preflight and POST) and /userinfo: an origin passes a preflight when any
 * application allows it (web_origins, allowed_origins, a callback's origin); a POST must come
 * from an origin its own client allows, or it is refused before the code is used.
 */
const SPA_ORIGIN = 'https://spa.cors.example';
const CALLBACK = 'https://callback.cors.example/cb';
const OTHER_ORIGIN = 'https://other.cors.example';
let userId: string;
let spa: { id: string };

async function app(body: Record<string, unknown>) {
  const res = await call('clients-create', { scopes: ['create:clients'], body: { name: 'cors-app', grant_types: ['authorization_code'], ...body } });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.client_id as string, secret: res.body.client_secret as string };
}

beforeAll(async () => {
  userId = (await seedLoginUser()).user_id as string;
  spa = await app({ app_type: 'spa', token_endpoint_auth_method: 'none', web_origins: [SPA_ORIGIN], callbacks: [CALLBACK] });
  await app({ app_type: 'spa', token_endpoint_auth_method: 'none', allowed_origins: [OTHER_ORIGIN, 'https://*.preview.cors.example'] });
});

const preflight = (origin: string | undefined, requestHeaders = 'content-type,auth0-client') =>
  call('oauth-token-preflight', { headers: { ...(origin ? { origin } : {}), 'access-control-request-method': 'POST', 'access-control-request-headers': requestHeaders } });

function pkceCode(clientId: string) {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return issueAuthorizationCode({
    client_id: clientId, redirect_uri: CALLBACK, code_challenge: challenge, user_id: userId, connection: CONNECTION,
    scopes: ['openid'], auth_time: 1_700_000_000, id_token_claims: {}, access_token_claims: {},
  }).then((code) => ({ code, verifier }));
}

function post(origin: string | undefined, params: Record<string, string>, contentType = 'application/x-www-form-urlencoded'): Promise<CallResult> {
  return call('oauth-token', {
    headers: { 'content-type': contentType, 'auth0-client': 'eyJuYW1lIjoiYXV0aDAtc3BhLWpzIn0=', ...(origin ? { origin } : {}) },
    rawBody: new URLSearchParams(params).toString(),
  });
}
const exchange = (origin: string | undefined, code: string, verifier: string) =>
  post(origin, { grant_type: 'authorization_code', client_id: spa.id, code, code_verifier: verifier, redirect_uri: CALLBACK });

const corsHeaders = (res: CallResult) => Object.fromEntries(Object.entries(res.headers).filter(([k]) => k.startsWith('access-control-') || k === 'vary'));

describe('OPTIONS /oauth/token (preflight)', () => {
  it("answers an application's web origin with the exact origin, POST, the requested headers it allows, and a max age", async () => {
    const res = await preflight(SPA_ORIGIN);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(corsHeaders(res)).toEqual({
      'access-control-allow-origin': SPA_ORIGIN,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type, auth0-client',
      'access-control-max-age': '7200',
      vary: 'Origin, Access-Control-Request-Headers',
    });
  });

  it("allows a callback's origin, another application's allowed_origins, and a wildcard label", async () => {
    for (const origin of ['https://callback.cors.example', OTHER_ORIGIN, 'https://pr-12.preview.cors.example']) {
      expect((await preflight(origin)).headers['access-control-allow-origin'], origin).toBe(origin);
    }
  });

  it('gives an origin no application allows no allow headers (the browser blocks the POST)', async () => {
    for (const origin of [
      'https://evil.example', 'null', 'http://spa.cors.example', 'https://spa.cors.example:8443', 'https://a.b.preview.cors.example',
      `${SPA_ORIGIN}/`, 'HTTPS://SPA.CORS.EXAMPLE', `https://${'a'.repeat(5000)}.example`, '<script>alert(1)</script>', 'https://spa.cors.example\u0000',
    ]) {
      const res = await preflight(origin);
      expect(res.status).toBe(204);
      expect(corsHeaders(res), origin).toEqual({ vary: 'Origin, Access-Control-Request-Headers' });
    }
    expect(corsHeaders(await preflight(undefined))).toEqual({ vary: 'Origin, Access-Control-Request-Headers' });
  });

  it('echoes only the requested headers it allows', async () => {
    expect((await preflight(SPA_ORIGIN, 'X-Evil, Content-Type, Authorization')).headers['access-control-allow-headers']).toBe('content-type, authorization');
    expect((await preflight(SPA_ORIGIN, 'x-evil')).headers['access-control-allow-headers']).toBeUndefined();
    expect((await preflight(SPA_ORIGIN, 'a,'.repeat(10_000))).status).toBe(204);
  });

  it('reads the client directory once, then answers from the cache (no request)', async () => {
    await preflight(SPA_ORIGIN);
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    await preflight(SPA_ORIGIN);
    await preflight('https://evil.example');
    stop();
    expect(seen.map((r) => r.db.requests)).toEqual([0, 0]);
  });

  it('sees a new web origin at once in this process (tenantChanged)', async () => {
    const origin = `https://new-${randomBytes(3).toString('hex')}.cors.example`;
    expect((await preflight(origin)).headers['access-control-allow-origin']).toBeUndefined();
    const patched = await call('clients-update', { scopes: ['update:clients'], params: { id: spa.id }, body: { web_origins: [SPA_ORIGIN, origin] } });
    expect(patched.status, patched.text).toBe(200);
    expect((await preflight(origin)).headers['access-control-allow-origin']).toBe(origin);
  });
});

describe('POST /oauth/token from a browser', () => {
  it('answers an allowed origin with Access-Control-Allow-Origin', async () => {
    const { code, verifier } = await pkceCode(spa.id);
    const res = await exchange(SPA_ORIGIN, code, verifier);
    expect(res.status, res.text).toBe(200);
    expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': SPA_ORIGIN, vary: 'Origin' });
  });

  it('puts the CORS headers on errors too, so the SPA can read them', async () => {
    const { code } = await pkceCode(spa.id);
    const res = await exchange(SPA_ORIGIN, code, randomBytes(32).toString('base64url'));
    expect(res).toMatchObject({ status: 403, body: { error: 'invalid_grant', error_description: 'Failed to verify code verifier' } });
    expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': SPA_ORIGIN, vary: 'Origin' });
    const unreadable = await post(SPA_ORIGIN, { grant_type: 'authorization_code' }, 'text/plain');
    expect(unreadable.status).toBe(400);
    expect(unreadable.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    const noClient = await post(SPA_ORIGIN, { grant_type: 'authorization_code', code: 'x' });
    expect(noClient).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: 'Missing required parameter: client_id' } });
    expect(noClient.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
  });

  it("refuses an origin the client does not allow (even one another application allows) before the code is used", async () => {
    const { code, verifier } = await pkceCode(spa.id);
    for (const origin of [OTHER_ORIGIN, 'https://evil.example']) {
      const res = await exchange(origin, code, verifier);
      expect(res).toMatchObject({ status: 403, body: { error: 'access_denied', error_description: `Origin ${origin} is not allowed` } });
      expect(corsHeaders(res)).toEqual({ vary: 'Origin' });
    }
    expect((await exchange(SPA_ORIGIN, code, verifier)).status).toBe(200);
  });

  it('without an Origin (a server), no CORS headers', async () => {
    const { code, verifier } = await pkceCode(spa.id);
    const res = await exchange(undefined, code, verifier);
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual({});
  });
});

describe('GET /userinfo from a browser', () => {
  it('answers an allowed origin, success and error alike', async () => {
    const { code, verifier } = await pkceCode(spa.id);
    const tokens = await exchange(SPA_ORIGIN, code, verifier);
    const ok = await call('userinfo', { headers: { origin: SPA_ORIGIN, authorization: `Bearer ${tokens.body.access_token}` } });
    expect(ok.status).toBe(200);
    expect(corsHeaders(ok)).toEqual({ 'access-control-allow-origin': SPA_ORIGIN, vary: 'Origin' });
    const bad = await call('userinfo', { headers: { origin: SPA_ORIGIN, authorization: 'Bearer nope' } });
    expect(bad.status).toBe(401);
    expect(bad.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    const evil = await call('userinfo', { headers: { origin: 'https://evil.example', authorization: `Bearer ${tokens.body.access_token}` } });
    expect(evil.status).toBe(200);
    expect(corsHeaders(evil)).toEqual({ vary: 'Origin' });
  });
});
