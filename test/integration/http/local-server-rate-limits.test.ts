import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig } from '#shared/platform/config';
import { policyFrom, useRateLimits } from '#shared/http/rate-limit';
import { createLocalServer } from '#infra/local/server';

/**
 * The local stand-in for API Gateway picks the IP bucket by the socket's address: a client that
 * sends X-Forwarded-For (or any other header) cannot pick a fresh bucket for each request.
 */
let server: Server;
let base: string;

beforeAll(async () => {
  server = await createLocalServer();
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  useRateLimits(policyFrom(readConfig(process.env)));
  await new Promise((done) => server.close(done));
});

it('keys the IP bucket on the socket address, not on spoofed forwarding headers', async () => {
  useRateLimits(policyFrom(readConfig({ ...process.env, RATE_LIMIT_PASSWORD_IP_BURST: '2', RATE_LIMIT_PASSWORD_IP_PER_SECOND: '0.01' })));
  const attempt = (i: number) =>
    fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': `203.0.113.${i}`,
        forwarded: `for=203.0.113.${i}`,
        'x-real-ip': `203.0.113.${i}`,
        'cloudfront-viewer-address': `203.0.113.${i}:443`,
      },
      body: new URLSearchParams({ grant_type: 'password', client_id: `spoofer-${i}`, username: 'a@example.com', password: 'x' }),
    });
  expect((await attempt(1)).status).not.toBe(429);
  expect((await attempt(2)).status).not.toBe(429);
  const refused = await attempt(3);
  expect(refused.status).toBe(429);
  expect(refused.headers.get('retry-after')).toBe('100');
  expect(refused.headers.get('x-ratelimit-limit')).toBe('2');
  expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
  expect(await refused.json()).toEqual({ error: 'too_many_requests', error_description: 'Rate limit reached; retry after 100 seconds.' });
});
