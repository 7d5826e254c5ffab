import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { db, tableName } from '#shared/db/client';
import { coTicketKey } from '#shared/db/keys';
import type { RequestRecord } from '#shared/http/handler';
import { policyFrom, useRateLimits } from '#shared/http/rate-limit';
import { readConfig } from '#shared/platform/config';
import { call, observeRequests, type CallOptions } from '#test/support/api';
import { SPA_ORIGIN, seedSpa } from '#test/support/browser-flow';
import { PASSWORD, REALM_GRANT, seedLoginUser } from '#test/support/logins';
import { CONNECTION } from '#test/support/users';

/**
 * POST /co/authenticate as auth0.js (Lock) sends it: JSON, credentials included, from the
 * application's page. Success is a login ticket bound to the browser by a cookie; failures are
 * the answers Lock maps to its own messages (core/web_api/helper.js, i18n/en.js).
 */
let app: { client_id: string };
let user: Record<string, any>;
const sha = (v: string) => createHash('sha256').update(v).digest('base64url');

beforeAll(async () => {
  app = await seedSpa({ cross_origin_authentication: true, allowed_origins: [SPA_ORIGIN] });
  user = await seedLoginUser();
});

function coAuthenticate(body: unknown, extra: Partial<CallOptions> & { origin?: string | null } = {}) {
  const { origin = SPA_ORIGIN, ...rest } = extra;
  return call('co-authenticate', {
    body,
    ...rest,
    headers: { ...(origin !== null ? { origin } : {}), 'auth0-client': 'eyJuYW1lIjoibG9jay5qcyJ9', ...(rest.headers ?? {}) },
  });
}

const lockBody = (extra: Record<string, unknown> = {}) => ({
  client_id: app.client_id,
  username: user.email,
  password: PASSWORD,
  realm: CONNECTION,
  credential_type: REALM_GRANT,
  ...extra,
});

const WRONG = { error: 'access_denied', error_description: 'Wrong email or password.' };

describe('POST /co/authenticate: success', () => {
  it('answers a ticket, a verifier and the cookie that binds them to the browser, with credentialed CORS', async () => {
    const res = await coAuthenticate(lockBody());
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ login_ticket: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), co_verifier: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), co_id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) });
    expect(res.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.cookies).toEqual([`co_${res.body.co_id}=${res.body.co_verifier}; Max-Age=120; Path=/; HttpOnly; Secure; SameSite=None`]);
  });

  it('stores only digests: the ticket as its key, the verifier as a hash, with the user, connection and a 2-minute expiry', async () => {
    const res = await coAuthenticate(lockBody());
    const item = (await db.send(new GetCommand({ TableName: tableName, Key: coTicketKey(sha(res.body.login_ticket)), ConsistentRead: true }))).Item!;
    const now = Math.floor(Date.now() / 1000);
    expect(item).toEqual({
      ...coTicketKey(sha(res.body.login_ticket)),
      client_id: app.client_id, user_id: user.user_id, connection: CONNECTION,
      auth_time: expect.any(Number), verifier_hash: sha(res.body.co_verifier), expires_at: expect.any(Number), ttl: expect.any(Number),
    });
    expect(item.expires_at - now).toBeGreaterThanOrEqual(118);
    expect(item.expires_at - now).toBeLessThanOrEqual(120);
    expect(JSON.stringify(item)).not.toContain(res.body.login_ticket);
    expect(JSON.stringify(item)).not.toContain(res.body.co_verifier);
  });

  it("takes credential_type 'password' (no realm: the default connection), as auth0.js sends it without a realm", async () => {
    const res = await coAuthenticate({ client_id: app.client_id, username: user.email, password: PASSWORD, credential_type: 'password' });
    expect(res.status, res.text).toBe(200);
  });

  it('costs a bounded number of DynamoDB requests (reported)', async () => {
    await coAuthenticate(lockBody()); // warm the client and connection caches
    const seen: RequestRecord[] = [];
    const stop = observeRequests((r) => seen.push(r));
    const res = await coAuthenticate(lockBody());
    stop();
    expect(res.status).toBe(200);
    const db = seen.find((r) => r.route === 'co-authenticate')!.db;
    console.info('co-authenticate DynamoDB', JSON.stringify(db));
    // Cached client and connection: the password login's own requests (claims and counters, the
    // user's partition, two counter reservations, their clearing) plus one PutItem: the ticket.
    expect([...db.commands].sort()).toEqual(['BatchGetItem', 'DeleteItem', 'PutItem', 'Query', 'UpdateItem', 'UpdateItem', 'UpdateItem']);
    expect(db.readUnits).toBe(1.5);
  });
});

describe('POST /co/authenticate: refusals Lock shows', () => {
  it('a wrong password and an unknown email get the same 403 access_denied (Lock: "Wrong email or password."), with CORS so Lock can read it', async () => {
    const wrong = await coAuthenticate(lockBody({ password: 'Wrong-Passw0rd!' }));
    expect(wrong.status).toBe(403);
    expect(wrong.body).toEqual(WRONG);
    expect(wrong.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    expect(wrong.headers['access-control-allow-credentials']).toBe('true');
    expect(wrong.cookies).toEqual([]);
    const unknown = await coAuthenticate(lockBody({ username: 'nobody.here@example.com' }));
    expect(unknown.status).toBe(403);
    expect(unknown.body).toEqual(WRONG);
  });

  it('a blocked user gets what /oauth/token answers (401 unauthorized "user is blocked": Lock shows "The user is blocked.")', async () => {
    const blocked = await seedLoginUser({ blocked: true });
    const res = await coAuthenticate(lockBody({ username: blocked.email }));
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthorized', error_description: 'user is blocked' });
  });

  it('brute-force protection applies as for the password grant: the 11th try from the IP is 429 too_many_attempts', async () => {
    const victim = await seedLoginUser();
    const ip = '198.51.100.91';
    for (let i = 0; i < 10; i++) expect((await coAuthenticate(lockBody({ username: victim.email, password: `Wrong-${i}` }), { sourceIp: ip })).status).toBe(403);
    const res = await coAuthenticate(lockBody({ username: victim.email }), { sourceIp: ip });
    expect(res.status).toBe(429);
    expect(res.body).toEqual({
      error: 'too_many_attempts',
      error_description: 'Your account has been blocked after multiple consecutive login attempts. We’ve sent you an email with instructions on how to unblock it.',
    });
    // The right password too: the block is the login's, not the password's.
  }, 60_000);

  it('an application without cross_origin_authentication gets 403 unauthorized_client "Cross origin login not allowed." (Auth0\'s words)', async () => {
    const plain = await seedSpa({ allowed_origins: [SPA_ORIGIN] });
    const res = await coAuthenticate(lockBody({ client_id: plain.client_id }));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'unauthorized_client', error_description: 'Cross origin login not allowed.' });
    expect(res.cookies).toEqual([]);
  });

  it('an origin the application does not allow: 403 and no CORS headers at all (the page cannot read it)', async () => {
    const res = await coAuthenticate(lockBody(), { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'access_denied', error_description: 'Origin https://evil.example is not allowed' });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.cookies).toEqual([]);
  });

  it('no Origin header (not a browser): 400 invalid_request "Origin header required." (Auth0\'s words)', async () => {
    const res = await coAuthenticate(lockBody(), { origin: null });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Origin header required.' });
  });

  it('an unknown client: 403 unauthorized_client, no cookie', async () => {
    const res = await coAuthenticate(lockBody({ client_id: 'no-such-client-0000000000000000' }));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'unauthorized_client', error_description: 'Unknown client.' });
  });

  it('an unknown realm: 400 invalid_request naming it, as /oauth/token', async () => {
    const res = await coAuthenticate(lockBody({ realm: 'No-Such-DB' }));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'The connection No-Such-DB does not exist' });
  });
});

describe('POST /co/authenticate: hostile input', () => {
  const invalid = (description: string) => ({ error: 'invalid_request', error_description: description });

  it('refuses unknown fields by name, __proto__ included', async () => {
    const extra = await coAuthenticate(lockBody({ scope: 'openid' }));
    expect(extra.status).toBe(400);
    expect(extra.body).toEqual(invalid("Payload validation error: 'Additional properties not allowed: scope'."));
    const proto = await call('co-authenticate', {
      headers: { origin: SPA_ORIGIN, 'content-type': 'application/json' },
      rawBody: `{"client_id":"${app.client_id}","username":"${user.email}","password":"x","__proto__":{"admin":true}}`,
    });
    expect(proto.status).toBe(400);
    expect(proto.body).toEqual(invalid("Payload validation error: 'Additional properties not allowed: __proto__'."));
  });

  it('refuses malformed bodies: not JSON, not an object, a form, a non-string value, a missing field', async () => {
    const bad = (rawBody: string, type = 'application/json') => call('co-authenticate', { headers: { origin: SPA_ORIGIN, 'content-type': type }, rawBody });
    expect((await bad('{"client_id":')).body).toEqual(invalid('The request body is not valid JSON'));
    expect((await bad('["a"]')).body).toEqual(invalid('The request body must be a JSON object'));
    expect((await bad('client_id=x', 'application/x-www-form-urlencoded')).body).toEqual(invalid('Content-Type must be application/json'));
    const number = await coAuthenticate(lockBody({ password: 12345 }));
    expect(number.status).toBe(400);
    expect(number.body.error_description).toMatch(/^Payload validation error: 'Expected type string but found type integer' on property password/);
    const missing = await coAuthenticate({ client_id: app.client_id, username: user.email, credential_type: REALM_GRANT, realm: CONNECTION });
    expect(missing.body).toEqual(invalid("Payload validation error: 'Missing required property: password'."));
    const noRealm = await coAuthenticate(lockBody({ realm: undefined }));
    expect(noRealm.body).toEqual(invalid('Missing required parameter: realm'));
  });

  it('refuses oversized values before any password work, and a body over 1 MB', async () => {
    const long = await coAuthenticate(lockBody({ password: 'p'.repeat(1025) }));
    expect(long.status).toBe(400);
    expect(long.body.error_description).toMatch(/on property password/);
    const huge = await coAuthenticate(lockBody({ username: 'u'.repeat(1024 * 1024) }));
    expect(huge.status).toBe(413);
  });

  it('refuses credential types it does not support (passwordless otp, anything else), naming them', async () => {
    const otp = await coAuthenticate(lockBody({ credential_type: 'http://auth0.com/oauth/grant-type/passwordless/otp', otp: '123456' }));
    expect(otp.status).toBe(400);
    expect(otp.body).toEqual(invalid('otp is not supported (no passwordless or MFA connections)'));
    const other = await coAuthenticate(lockBody({ credential_type: '<script>alert(1)</script>' }));
    expect(other.status).toBe(400);
    expect(other.body).toEqual(invalid('Unsupported credential_type: <script>alert(1)</script>'));
  });

  it('answers markup and odd unicode in the username as wrong credentials, never a 500', async () => {
    for (const username of ['<script>alert(1)</script>@example.com', 'a\u202Eb\u0000c@example.com', '\uD800@example.com', '__proto__']) {
      const res = await coAuthenticate(lockBody({ username }));
      expect(res.status, username).toBe(403);
      expect(res.body).toEqual(WRONG);
    }
  });
});

describe('POST /co/authenticate: rate limits', () => {
  afterAll(() => {
    useRateLimits(policyFrom(readConfig(process.env)));
  });

  it('takes from the password tier, as the password grant: the IP beyond its burst gets 429 too_many_requests before any work', async () => {
    useRateLimits(policyFrom(readConfig({ ...process.env, RATE_LIMITS: 'on', RATE_LIMIT_PASSWORD_IP_BURST: '2', RATE_LIMIT_PASSWORD_IP_PER_SECOND: '0.01' })));
    const ip = '198.51.100.120';
    expect((await coAuthenticate(lockBody({ password: 'Wrong-1' }), { sourceIp: ip })).status).toBe(403);
    expect((await coAuthenticate(lockBody({ password: 'Wrong-2' }), { sourceIp: ip })).status).toBe(403);
    const refused = await coAuthenticate(lockBody(), { sourceIp: ip });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: 'too_many_requests', error_description: 'Rate limit reached; retry after 100 seconds.' });
    expect(refused.headers['retry-after']).toBe('100');
    // Readable by the page (Lock shows its own "too many requests" text): the origin echoed, with credentials.
    expect(refused.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    expect(refused.headers['access-control-allow-credentials']).toBe('true');
    // A foreign origin gets the same 429 and no CORS answer.
    const foreign = await coAuthenticate(lockBody(), { sourceIp: ip, origin: 'https://evil.example' });
    expect(foreign.status).toBe(429);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    expect(foreign.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('answers a body over 1 MB with a 413 the page can read, and signup, /oauth/token and /userinfo likewise (no credentials there)', async () => {
    const big = 'x'.repeat(1_048_577);
    const tooBig = await coAuthenticate(big, { headers: { 'content-type': 'application/json' } });
    expect(tooBig.status).toBe(413);
    expect(tooBig.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    expect(tooBig.headers['access-control-allow-credentials']).toBe('true');
    for (const route of ['signup', 'oauth-token', 'oauth-revoke'] as const) {
      const res = await call(route, { rawBody: big, headers: { origin: SPA_ORIGIN, 'content-type': 'application/json' } });
      expect(res.status, route).toBe(413);
      expect(res.headers['access-control-allow-origin'], route).toBe(SPA_ORIGIN);
      expect(res.headers['access-control-allow-credentials'], route).toBeUndefined();
    }
  });
});
