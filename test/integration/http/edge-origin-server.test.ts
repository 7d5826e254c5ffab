import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '#infra/local/dynamodb-local';
import { startService, type RunningService } from '#test/support/local-service';

/**
 * EDGE_ORIGIN_SECRET as the stack's `edge` option sets it, through the real service process
 * (configuration read at start, the handler wrapper, the rate limiter): a request without
 * CloudFront's secret is refused, and CloudFront-Viewer-Address, not the socket, picks the bucket.
 */
const SECRET = 'edge-secret-'.repeat(4);
let service: RunningService;
let base: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edge-origin-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  service = await startService(
    { PORT: String(port), DATA_DIR: dir, EDGE_ORIGIN_SECRET: SECRET, RATE_LIMIT_PASSWORD_IP_BURST: '1', RATE_LIMIT_PASSWORD_IP_PER_SECOND: '0.01' },
    ['npx', 'tsx', 'infra/local/start.ts'],
  );
}, 120_000);

afterAll(async () => {
  await service?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const login = (headers: Record<string, string>) =>
  fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'edge-test', username: 'a@example.com', password: 'x' }),
  });

it('refuses a request that went around CloudFront, whatever address it claims', async () => {
  const res = await login({ 'cloudfront-viewer-address': '198.51.100.1:1234' });
  expect(res.status).toBe(403);
  expect(await res.json()).toEqual({
    statusCode: 403, error: 'Forbidden', message: "Requests must come through the service's public endpoint.", errorCode: 'edge_required',
  });
  expect((await login({ 'x-origin-verify': `${SECRET}!` })).status).toBe(403);
});

it("limits by the viewer's address that CloudFront reports", async () => {
  const viewer = (ip: string) => ({ 'x-origin-verify': SECRET, 'cloudfront-viewer-address': `${ip}:50000` });
  expect((await login(viewer('203.0.113.1'))).status).not.toBe(429);
  const refused = await login(viewer('203.0.113.1'));
  expect(refused.status).toBe(429);
  expect(refused.headers.get('x-ratelimit-limit')).toBe('1');
  // Same socket (127.0.0.1), another viewer: another bucket.
  expect((await login(viewer('203.0.113.2'))).status).not.toBe(429);
});
