import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#infra/local/dynamodb-local';
import type { BootstrapCredentials } from '#shared/bootstrap/seed';
import { startService, type RunningService } from '#test/support/local-service';

/**
 * Issue 8, local mode: `npm start` with its own defaults (this run's DynamoDB Local, a table of
 * its own). A developer who creates a rule and logs in at once sees it run; a disabled rule stops
 * at once too. Before, the server kept the rules it had read for 10 s.
 */
const PASSWORD = 'Fresh-Passw0rd!';
const CLAIM = 'https://fresh.example/local';
const dataDir = mkdtempSync(join(tmpdir(), 'identity-fresh-'));
let service: RunningService | undefined;
let base = '';
let bootstrap: BootstrapCredentials;
let auth: Record<string, string> = {};

const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${base}${path}`, {
    method, headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
};

/** The rule's claim in the ID token of a password login made right now. */
async function loginClaim(email: string) {
  const res = await send('POST', '/oauth/token', {
    grant_type: 'http://auth0.com/oauth/grant-type/password-realm', realm: bootstrap.connection,
    username: email, password: PASSWORD, scope: 'openid',
    client_id: bootstrap.application.client_id, client_secret: bootstrap.application.client_secret,
  });
  expect(res.status, res.text).toBe(200);
  const payload = JSON.parse(Buffer.from(String(res.body.id_token).split('.')[1]!, 'base64url').toString('utf8'));
  return payload[CLAIM];
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://localhost:${port}`;
  // The integration setup turned the extensions cache off for in-process tests; npm start must run on its own defaults.
  const inherited = { cache: process.env.EXTENSIONS_CACHE_MS, check: process.env.EXTENSIONS_CHECK_READ };
  delete process.env.EXTENSIONS_CACHE_MS;
  delete process.env.EXTENSIONS_CHECK_READ;
  try {
    service = await startService({ PORT: String(port), DATA_DIR: dataDir, TABLE_NAME: `fresh-${randomBytes(6).toString('hex')}`, ISSUER: `${base}/` });
  } finally {
    if (inherited.cache !== undefined) process.env.EXTENSIONS_CACHE_MS = inherited.cache;
    if (inherited.check !== undefined) process.env.EXTENSIONS_CHECK_READ = inherited.check;
  }
  bootstrap = JSON.parse(readFileSync(join(dataDir, 'bootstrap.json'), 'utf8')) as BootstrapCredentials;
  const token = await send('POST', '/oauth/token', {
    grant_type: 'client_credentials', client_id: bootstrap.management.client_id,
    client_secret: bootstrap.management.client_secret, audience: bootstrap.management.audience,
  });
  auth = { authorization: `Bearer ${token.body.access_token}` };
}, 120_000);

afterAll(async () => {
  await service?.stop('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start: a rule change reaches the next login', () => {
  it('runs a rule created a moment ago, and stops it as soon as it is disabled', async () => {
    const email = `fresh.${randomBytes(4).toString('hex')}@example.com`;
    const user = await send('POST', '/api/v2/users', { connection: bootstrap.connection, email, password: PASSWORD }, auth);
    expect(user.status, user.text).toBe(201);
    // The server's first login loads (and keeps) the tenant's empty set of rules.
    expect(await loginClaim(email)).toBeUndefined();

    const rule = await send('POST', '/api/v2/rules', {
      name: 'local-fresh', script: `function (user, context, callback) { context.idToken['${CLAIM}'] = 'on'; callback(null, user, context); }`,
    }, auth);
    expect(rule.status, rule.text).toBe(201);
    expect(await loginClaim(email)).toBe('on');

    const off = await send('PATCH', `/api/v2/rules/${rule.body.id}`, { enabled: false }, auth);
    expect(off.status, off.text).toBe(200);
    expect(await loginClaim(email)).toBeUndefined();
  });
});
