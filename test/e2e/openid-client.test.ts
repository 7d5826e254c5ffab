import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpsService, type HttpsService } from '#test/support/https-service';

/**
 * Issue 11, point 5: a regular web app (a confidential client with client_secret_basic) logs a
 * user in with panva's openid-client v6, as nextjs-auth0 and express-openid-connect would:
 * discovery, code + PKCE + state + nonce through the hosted login page, ID token checks by the
 * library, userinfo, refresh, SSO, and RP-initiated logout through end_session_endpoint. The
 * service is `npm start` behind the TLS proxy; the library runs in a fixture process that trusts
 * the test's certificate (test/e2e/fixtures/openid-client-flow.mjs).
 */
const REDIRECT_URI = 'https://app.example.com/auth/callback';
const LOGOUT_URI = 'https://app.example.com/logged-out';
const EMAIL = 'grace.hopper@example.com';
const PASSWORD = 'Cobol-Compiler-1959';

let service: HttpsService;
let issuer: string;
let ca: Buffer;
type Json = any; // a Management API answer

beforeAll(async () => {
  service = await startHttpsService('openid-client-e2e-');
  issuer = `https://${service.domain}/`;
  ca = readFileSync(service.cert.certPath);
}, 90_000);

afterAll(async () => {
  const shutdown = await service?.stop(3_000);
  expect(shutdown, `service output:\n${service?.output()}`).toEqual({ exit: { code: 0, signal: null }, leftovers: [] });
}, 60_000);

function httpsJson(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: Json }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, issuer), {
      method, ca, agent: false,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('openid-client v6, a regular web app with client_secret_basic', () => {
  it('discovers, logs in on the hosted page with code + PKCE + state + nonce, refreshes, and logs out through end_session_endpoint', async () => {
    const m = service.credentials.management;
    const token = await httpsJson('POST', '/oauth/token', { grant_type: 'client_credentials', client_id: m.client_id, client_secret: m.client_secret, audience: m.audience });
    expect(token.status).toBe(200);
    const api = (method: string, path: string, body?: unknown) => httpsJson(method, `/api/v2${path}`, body, token.body.access_token);

    const app = await api('POST', '/clients', {
      name: 'Regular Web App', app_type: 'regular_web', token_endpoint_auth_method: 'client_secret_basic',
      callbacks: [REDIRECT_URI], allowed_logout_urls: [LOGOUT_URI], grant_types: ['authorization_code', 'refresh_token'],
    });
    expect(app.status, JSON.stringify(app.body)).toBe(201);
    const user = await api('POST', '/users', { connection: 'Username-Password-Authentication', email: EMAIL, password: PASSWORD, name: 'Grace Hopper' });
    expect(user.status, JSON.stringify(user.body)).toBe(201);

    const run = await service.runFixture('test/e2e/fixtures/openid-client-flow.mjs', {
      ISSUER: issuer, CLIENT_ID: app.body.client_id, CLIENT_SECRET: app.body.client_secret,
      REDIRECT_URI, LOGOUT_URI, EMAIL, PASSWORD,
    });
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
    const out = JSON.parse(run.stdout) as Json;

    expect(out.discovery).toEqual({
      issuer, authorization_endpoint: `${issuer}authorize`, token_endpoint: `${issuer}oauth/token`,
      end_session_endpoint: `${issuer}oidc/logout`, jwks_uri: `${issuer}.well-known/jwks.json`, userinfo_endpoint: `${issuer}userinfo`,
    });
    expect(out.authorize).toEqual({ status: 302, path: '/u/login' });
    expect(out.login).toEqual({ status: 302, callback: REDIRECT_URI, params: ['code', 'state'] });
    expect(out.tokens).toMatchObject({ token_type: 'bearer', expires_in: expect.any(Number), has_refresh_token: true });
    // openid-client checked iss, aud, exp, iat, nonce and the signature; these are the claims it returned.
    expect(out.claims).toMatchObject({
      iss: issuer, aud: app.body.client_id, sub: user.body.user_id, email: EMAIL, name: 'Grace Hopper',
      nonce: expect.any(String), auth_time: expect.any(Number), sid: expect.any(String),
    });
    expect(out.userinfo).toMatchObject({ sub: user.body.user_id, email: EMAIL });
    expect(out.refresh).toEqual({ has_id_token: true, sub: user.body.user_id, rotated: true });
    // The code's second use is refused and revokes the session its first use made.
    expect(out.reuse).toEqual({ name: 'ResponseBodyError', error: 'invalid_grant', status: 403 });
    expect(out.refreshAfterReuse).toEqual({ name: 'ResponseBodyError', error: 'invalid_grant', status: 403 });
    expect(out.userinfoAfterReuse).toMatchObject({ status: 401 });
    expect(out.sso).toEqual({ status: 302, location: REDIRECT_URI, params: ['code', 'state'] });
    expect(out.endSessionPath).toBe('/oidc/logout');
    expect(out.logout).toEqual({ status: 302, location: `${LOGOUT_URI}?state=bye` });
    expect(out.afterLogout).toEqual({ status: 302, params: { error: 'login_required', error_description: 'Login required', state: 'after' } });
  });
});
