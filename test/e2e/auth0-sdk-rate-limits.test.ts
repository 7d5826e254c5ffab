import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHttpsService, type HttpsService } from '#test/support/https-service';

/**
 * Auth0's Node SDK meets our rate limits and copes, as it does with Auth0's: the service runs
 * with a per-client bucket of 2 refilled at 1 per second, and the ManagementClient makes more
 * calls than that in a row. Each 429 carries Retry-After (whole seconds, at least 1, which the
 * SDK's retry honours) and X-RateLimit-*; every call still succeeds within the SDK's 2 retries.
 */
const fixture = fileURLToPath(new URL('./fixtures/sdk-rate-limit-flow.mjs', import.meta.url));
const CALLS = 5;

let service: HttpsService;

beforeAll(async () => {
  service = await startHttpsService('auth0-sdk-rate-limits-', { RATE_LIMIT_CLIENT_BURST: '2', RATE_LIMIT_CLIENT_PER_SECOND: '1' });
}, 90_000);

afterAll(async () => {
  await service?.stop(3_000);
}, 60_000);

interface Exchange {
  path: string;
  status: number;
  sentAt: number;
  limit: string | null;
  remaining: string | null;
  reset: string | null;
  retryAfter: string | null;
}

it('retries 429s after Retry-After and succeeds on every call', async () => {
  const { domain, credentials } = service;
  const run = await service.runFixture(fixture, {
    AUTH0_DOMAIN: domain,
    AUTH0_CLIENT_ID: credentials.management.client_id,
    AUTH0_CLIENT_SECRET: credentials.management.client_secret,
    CALLS: String(CALLS),
  });
  expect(run.code, `fixture failed:\n${run.stderr}\nservice output:\n${service.output()}`).toBe(0);
  const { results, exchanges } = JSON.parse(run.stdout) as { results: boolean[]; exchanges: Exchange[] };
  expect(results).toEqual(Array(CALLS).fill(true));

  // The token request and the first call empty the bucket; later calls meet 429s and come back.
  expect(exchanges.map((e) => e.status).filter((s) => s === 200)).toHaveLength(CALLS + 1);
  const refused = exchanges.filter((e) => e.status === 429);
  expect(refused.length).toBeGreaterThanOrEqual(CALLS - 2);
  for (const e of exchanges) {
    expect(e.limit).toBe('2');
    expect(Number(e.reset)).toBeGreaterThanOrEqual(Math.floor(e.sentAt / 1000));
  }
  for (const e of refused) {
    expect(e).toMatchObject({ path: '/api/v2/users', remaining: '0', retryAfter: '1' });
    // The SDK came back no sooner than Retry-After told it to (a lower bound only: a slow machine waits longer).
    const next = exchanges[exchanges.indexOf(e) + 1]!;
    expect(next.sentAt - e.sentAt).toBeGreaterThanOrEqual(950);
  }
});
