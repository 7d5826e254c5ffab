import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { readConfig } from '#shared/platform/config';
import { policyFrom, useRateLimits } from '#shared/http/rate-limit';
import { call } from '#test/support/api';
import { login, PASSWORD, seedApplication, seedLoginUser } from '#test/support/logins';
import { managementToken } from '#test/support/tokens';
import { CONNECTION, uniqueEmail } from '#test/support/users';

/**
 * Per-IP and per-client rate limits, through the handlers as API Gateway would call them. Each
 * test installs small limits (through the same configuration parser the service uses) and a clock
 * it moves by hand, so Auth0's X-RateLimit-* and Retry-After values are exact.
 */
let now = 1_800_000_000_000;
const epoch = () => now / 1000;

function limits(env: Record<string, string>) {
  return useRateLimits(policyFrom(readConfig({ ...process.env, ...env })), () => now);
}

beforeEach(() => {
  now += 3_600_000;
});

afterAll(() => {
  limits({}); // the defaults again, for any later file in this worker
});

const SCOPES = ['read:users'];
const listUsers = (token: string, sourceIp: string) => call('users-list', { token, sourceIp, query: { per_page: '1' } });

describe('Management API: per client, once the token is verified', () => {
  it("answers Auth0's 429 with Retry-After once the client's bucket is empty, from whichever address", async () => {
    limits({ RATE_LIMIT_CLIENT_BURST: '2', RATE_LIMIT_CLIENT_PER_SECOND: '1' });
    const token = await managementToken({ scopes: SCOPES });

    const first = await listUsers(token, '198.51.100.1');
    expect(first.status).toBe(200);
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': String(epoch() + 1) });
    expect(first.headers['retry-after']).toBeUndefined();
    expect((await listUsers(token, '198.51.100.2')).headers['x-ratelimit-remaining']).toBe('0');

    const refused = await listUsers(token, '198.51.100.3');
    expect(refused.status).toBe(429);
    expect(refused.text).toBe(
      '{"statusCode":429,"error":"Too Many Requests","message":"Rate limit reached; retry after 1 second.","errorCode":"too_many_requests"}',
    );
    expect(refused.headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': '2',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(epoch() + 2),
      'retry-after': '1',
    });

    // Another client has its own bucket; this one has a token again a second later.
    const other = await managementToken({ scopes: SCOPES, sub: 'other@clients', claims: { azp: 'other-client' } });
    expect((await listUsers(other, '198.51.100.3')).status).toBe(200);
    now += 1_000;
    expect((await listUsers(token, '198.51.100.3')).status).toBe(200);
  });

  it('does not count a forged token against the client it names', async () => {
    limits({ RATE_LIMIT_CLIENT_BURST: '1', RATE_LIMIT_CLIENT_PER_SECOND: '1' });
    const token = await managementToken({ scopes: SCOPES });
    const forged = `${token.slice(0, -4)}AAAA`;
    for (let i = 0; i < 3; i++) expect((await listUsers(forged, '198.51.100.9')).status).toBe(401);
    expect((await listUsers(token, '198.51.100.1')).status).toBe(200);
  });

  it('limits per address before the token is even read', async () => {
    limits({ RATE_LIMIT_IP_BURST: '1', RATE_LIMIT_IP_PER_SECOND: '0.5' });
    expect((await listUsers('not-a-token', '198.51.100.7')).status).toBe(400);
    const refused = await listUsers('not-a-token', '198.51.100.7');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: 'Rate limit reached; retry after 2 seconds.', errorCode: 'too_many_requests' });
    expect(refused.headers).toMatchObject({ 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0', 'retry-after': '2' });
  });
});

describe('Authentication API: password checks have stricter buckets', () => {
  it('refuses a password login per address with {error, error_description}, before the password is checked', async () => {
    limits({ RATE_LIMIT_PASSWORD_IP_BURST: '2', RATE_LIMIT_PASSWORD_IP_PER_SECOND: '0.5' });
    const app = await seedApplication();
    const user = await seedLoginUser();
    const ip = '192.0.2.10';
    expect((await login(app, { username: user.email, password: 'wrong' }, ip)).status).toBe(403);
    expect((await login(app, { username: user.email, password: 'wrong' }, ip)).status).toBe(403);

    const refused = await login(app, { username: user.email, password: PASSWORD }, ip);
    expect(refused.status).toBe(429);
    expect(refused.text).toBe('{"error":"too_many_requests","error_description":"Rate limit reached; retry after 2 seconds."}');
    expect(refused.headers).toEqual({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-ratelimit-limit': '2',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(epoch() + 4),
      'retry-after': '2',
    });

    // Other addresses, and this address's requests that check no password, are not held back.
    expect((await login(app, { username: user.email, password: PASSWORD }, '192.0.2.11')).status).toBe(200);
    const credentials = await call('oauth-token', {
      sourceIp: ip,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      rawBody: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x', audience: 'a' }).toString(),
    });
    expect(credentials.status).toBe(401);
    now += 2_000;
    expect((await login(app, { username: user.email, password: PASSWORD }, ip)).status).toBe(200);
  });

  it('refuses password logins naming one client once its bucket is empty, from any address', async () => {
    limits({ RATE_LIMIT_PASSWORD_CLIENT_BURST: '2', RATE_LIMIT_PASSWORD_CLIENT_PER_SECOND: '1' });
    const app = await seedApplication();
    const other = await seedApplication();
    const user = await seedLoginUser();
    const basic = `Basic ${Buffer.from(`${app.client_id}:${app.client_secret}`).toString('base64')}`;
    const form = (ip: string) =>
      call('oauth-token', {
        sourceIp: ip,
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
        rawBody: new URLSearchParams({ grant_type: 'password', username: user.email, password: PASSWORD }).toString(),
      });
    expect((await login(app, { username: user.email, password: PASSWORD }, '192.0.2.20')).status).toBe(200);
    expect((await form('192.0.2.21')).status).toBe(200); // Basic authentication names the same client
    const refused = await login(app, { username: user.email, password: PASSWORD }, '192.0.2.22');
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: 'too_many_requests', error_description: 'Rate limit reached; retry after 1 second.' });
    expect(refused.headers['retry-after']).toBe('1');
    expect((await login(other, { username: user.email, password: PASSWORD }, '192.0.2.22')).status).toBe(200);
  });

  it("answers a sign-up in the sign-up endpoint's own error shape", async () => {
    limits({ RATE_LIMIT_PASSWORD_IP_BURST: '1', RATE_LIMIT_PASSWORD_IP_PER_SECOND: '1' });
    const app = await seedApplication();
    const signup = () =>
      call('signup', { sourceIp: '192.0.2.30', body: { client_id: app.client_id, connection: CONNECTION, email: uniqueEmail('rl'), password: PASSWORD } });
    expect((await signup()).status).toBe(200);
    const refused = await signup();
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ name: 'TooManyRequestsError', code: 'too_many_requests', description: 'Rate limit reached; retry after 1 second.', statusCode: 429 });
    expect(refused.headers).toMatchObject({ 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0', 'retry-after': '1' });
  });

  it('limits public endpoints per address, in the OAuth shape', async () => {
    limits({ RATE_LIMIT_IP_BURST: '1', RATE_LIMIT_IP_PER_SECOND: '1' });
    expect((await call('jwks', { sourceIp: '192.0.2.40' })).status).toBe(200);
    const refused = await call('jwks', { sourceIp: '192.0.2.40' });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: 'too_many_requests', error_description: 'Rate limit reached; retry after 1 second.' });
  });
});

describe('hostile traffic', () => {
  it('tracks no more buckets than RATE_LIMIT_MAX_KEYS, whatever addresses and client ids arrive', async () => {
    const buckets = limits({ RATE_LIMIT_MAX_KEYS: '100' })!;
    for (let i = 0; i < 3_000; i++) {
      const res = await call('oauth-token', {
        sourceIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        rawBody: `grant_type=password&client_id=${'x'.repeat(10_000)}${i}`,
      });
      expect(res.status).not.toBe(429);
    }
    expect(buckets.size).toBe(100);
  });

  it('sends no rate-limit headers when limits are off', async () => {
    limits({ RATE_LIMITS: 'off' });
    const res = await call('jwks', { sourceIp: '192.0.2.50' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.headers).filter((h) => h.startsWith('x-ratelimit') || h === 'retry-after')).toEqual([]);
  });
});
